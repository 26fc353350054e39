/** The notifications area's strings (de). */
export default {
};
