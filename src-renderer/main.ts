/** The renderer's entry: mounts the Vue app with Pinia. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).use(createPinia()).mount('#app');
