/** The webhooks area's strings (de). */
export default {
};
