/** The notifications area's strings (en). */
export default {
};
