/** The widget area's strings (en). */
export default {
};
