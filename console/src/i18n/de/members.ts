/** The members area's strings (de). */
export default {
};
