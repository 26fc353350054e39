/** The organizations area's strings (de). */
export default {
};
