/** The renderer's entry: mounts the Vue app with Pinia and the router, then connects the stores. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createAppRouter } from './router.js';
import { useClustersStore, useResourcesStore } from './stores/index.js';

const pinia = createPinia();
const app = createApp(App).use(pinia).use(createAppRouter());
app.mount('#app');

const clusters = useClustersStore(pinia);
void clusters.connect();
window.addEventListener('beforeunload', () => {
  useResourcesStore(pinia).stopAll();
  clusters.dispose();
});
