/** The widget area's strings (de). */
export default {
};
