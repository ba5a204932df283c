/* The cpio "newc" format: a 110-byte ASCII header, the name, the file, each padded to 4 bytes. */
#include <cpio.h>

#define CPIO_FIELDS 13
#define FIELD_MODE 1
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

static const char trailer_name[] = "TRAILER!!!";

static uint64_t align4(uint64_t x)
{
    return (x + 3) & ~(uint64_t)3;
}

/* Eight hexadecimal digits (either case), as every newc field is. */
static bool parse_field(const uint8_t *p, uint32_t *ret)
{
    uint32_t value = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        uint32_t digit;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return false;
        }
        value = (value << 4) | digit;
    }
    *ret = value;
    return true;
}

/* "070701", or "070702" (the same with a checksum, which a boot image need not check). */
static bool magic_ok(const uint8_t *p)
{
    static const char magic[] = "07070";
    for (int i = 0; i < 5; i++) {
        if (p[i] != (uint8_t)magic[i]) {
            return false;
        }
    }
    return p[5] == '1' || p[5] == '2';
}

static bool is_trailer(const char *name, size_t name_bytes)
{
    if (name_bytes != sizeof(trailer_name) - 1) {
        return false;
    }
    for (size_t i = 0; i < name_bytes; i++) {
        if (name[i] != trailer_name[i]) {
            return false;
        }
    }
    return true;
}

errval_t cpio_next(const uint8_t *archive, size_t bytes, uint64_t *pos, struct cpio_entry *ret)
{
    uint64_t at = *pos;
    if (at > bytes || bytes - at < CPIO_HEADER_BYTES) {
        return SYS_ERR_CPIO_TRUNCATED;
    }
    const uint8_t *h = archive + at;
    if (!magic_ok(h)) {
        return SYS_ERR_CPIO_BAD_MAGIC;
    }
    uint32_t field[CPIO_FIELDS];
    for (int i = 0; i < CPIO_FIELDS; i++) {
        if (!parse_field(h + 6 + 8 * i, &field[i])) {
            return SYS_ERR_CPIO_BAD_FIELD;
        }
    }
    uint64_t name_at = at + CPIO_HEADER_BYTES;
    uint32_t name_size = field[FIELD_NAMESIZE]; /* the NUL included */
    if (name_size > bytes - name_at) {
        return SYS_ERR_CPIO_TRUNCATED;
    }
    const char *name = (const char *)archive + name_at;
    size_t len = 0;
    while (len < name_size && name[len] != '\0') {
        len++;
    }
    if (name_size < 2 || len != name_size - 1) {
        return SYS_ERR_CPIO_BAD_NAME;
    }
    uint64_t data_at = align4(name_at + name_size);
    uint64_t data_bytes = field[FIELD_FILESIZE];
    if (data_bytes > 0 && (data_at > bytes || data_bytes > bytes - data_at)) {
        return SYS_ERR_CPIO_FILE_PAST_END;
    }
    *ret = (struct cpio_entry){
        .name = name,
        .name_bytes = len,
        .mode = field[FIELD_MODE],
        .data_offset = data_at,
        .data_bytes = data_bytes,
        .trailer = is_trailer(name, len),
    };
    *pos = align4(data_at + data_bytes);
    return SYS_ERR_OK;
}
