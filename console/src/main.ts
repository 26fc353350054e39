import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { createConsoleI18n } from './i18n';
import { createConsoleRouter } from './router';
import './styles/base.css';

const app = createApp(App);
const i18n = createConsoleI18n();
document.documentElement.lang = i18n.global.locale.value;
app.use(createPinia());
app.use(i18n);
app.use(createConsoleRouter());
app.mount('#app');

// The service worker makes the console installable and keeps an offline shell; it never caches API answers.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
}
