/* The TESTS selection: glob patterns over test IDs, read from the boot module "tests". */
#include <spawn/spawn.h>
#include <string.h>
#include <test/booted.h>

/* Does the glob pattern [p, p_end) match all of s? '*' any run of characters, '?' one. */
static bool glob_matches(const char *p, const char *p_end, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s != '\0') {
        if (p < p_end && (*p == '?' || *p == *s)) {
            p++, s++;
        } else if (p < p_end && *p == '*') {
            star = p++, resume = s;
        } else if (star != NULL) {
            p = star + 1, s = ++resume;
        } else {
            return false;
        }
    }
    while (p < p_end && *p == '*') {
        p++;
    }
    return p == p_end;
}

static bool is_separator(char c)
{
    return c == ',' || c == ' ' || c == '\n' || c == '\t';
}

bool booted_test_selected(const char *selection, const char *id)
{
    bool any = false;
    for (const char *p = selection; *p != '\0';) {
        while (is_separator(*p)) {
            p++;
        }
        const char *end = p;
        while (*end != '\0' && !is_separator(*end)) {
            end++;
        }
        if (end > p) {
            any = true;
            if (glob_matches(p, end, id)) {
                return true;
            }
        }
        p = end;
    }
    return !any;
}

errval_t booted_test_selection(struct pmap *pmap, char *buf, size_t bytes)
{
    buf[0] = '\0';
    struct spawn_module mod;
    errval_t err = spawn_find_module(pmap, "tests", &mod);
    if (err_no(err) == LIB_ERR_SPAWN_MODULE_NOT_FOUND) {
        return SYS_ERR_OK;
    }
    if (err_is_fail(err)) {
        return err;
    }
    genvaddr_t at;
    err = pmap_determine_addr(pmap, BASE_PAGE_BYTES, BASE_PAGE_BYTES, &at);
    if (err_is_ok(err)) {
        err = pmap_map(pmap, at, mod.frame, 0, BASE_PAGE_BYTES, VREGION_FLAGS_READ);
    }
    if (err_is_fail(err)) {
        return err;
    }
    size_t n = mod.bytes < bytes - 1 ? (size_t)mod.bytes : bytes - 1;
    memcpy(buf, (const void *)(uintptr_t)at, n);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0')) {
        buf[--n] = '\0';
    }
    return pmap_unmap(pmap, at, BASE_PAGE_BYTES);
}
