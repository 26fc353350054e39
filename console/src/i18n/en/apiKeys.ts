/** The apiKeys area's strings (en). */
export default {
};
