import { defineCustomElement } from 'vue';
import Root from './components/PorticoConnect.vue';
export const PorticoConnectElement = defineCustomElement(Root);
if (!customElements.get('portico-connect')) customElements.define('portico-connect', PorticoConnectElement);
