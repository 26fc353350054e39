/** The webhooks area's strings (en). */
export default {
};
