/** The members area's strings (en). */
export default {
};
