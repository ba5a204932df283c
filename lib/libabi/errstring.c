/* Names and descriptions of the error codes, generated from errno.def. */
#include <errors/errno.h>

static const char *const err_codes[ERR_NUM_CODES] = {
#define ERR(code, string) [code] = #code,
#include <errors/errno.def>
#undef ERR
};

static const char *const err_strings[ERR_NUM_CODES] = {
#define ERR(code, string) [code] = string,
#include <errors/errno.def>
#undef ERR
};

const char *err_getcode(errval_t err)
{
    enum err_code code = err_no(err);
    return code < ERR_NUM_CODES ? err_codes[code] : "ERR_UNKNOWN";
}

const char *err_getstring(errval_t err)
{
    enum err_code code = err_no(err);
    return code < ERR_NUM_CODES ? err_strings[code] : "unknown error code";
}
