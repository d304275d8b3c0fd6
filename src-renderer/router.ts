/** The router: hash history (see routes.ts for the places and their link helpers). */
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  {
    path: '/c/:cluster',
    children: [
      { path: '', redirect: (to) => ({ name: 'overview', params: to.params }) },
      { path: 'overview', name: 'overview', component: () => import('./views/OverviewView.vue') },
      {
        path: 'r/:group/:version/:resource',
        name: 'list',
        component: () => import('./views/ResourceListView.vue'),
      },
      {
        path: 'r/:group/:version/:resource/:namespace/:name',
        name: 'details',
        component: () => import('./views/ResourceDetailsView.vue'),
      },
      { path: 'events', name: 'events', component: () => import('./views/EventsView.vue') },
      { path: 'editor', name: 'editor', component: () => import('./views/EditorView.vue') },
      { path: 'logs', name: 'logs', component: () => import('./views/LogsView.vue') },
      {
        path: 'port-forwards',
        name: 'port-forwards',
        component: () => import('./views/PortForwardsView.vue'),
      },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
];

export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
