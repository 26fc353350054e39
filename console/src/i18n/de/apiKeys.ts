/** The apiKeys area's strings (de). */
export default {
};
