/* The capability type table, generated from captypes.def. */
#include <caps/captypes.h>

const struct objtype_info objtype_info[ObjType_Num] = {
#define CAPTYPE(tname, tkind, trank, tfixed, tgranule, talign, tzeroed, tparents)                  \
    [ObjType_##tname] = {.name = #tname,                                                           \
                         .kind = tkind,                                                            \
                         .rank = trank,                                                            \
                         .zeroed = tzeroed,                                                        \
                         .fixed_bytes = tfixed,                                                    \
                         .granule_bytes = tgranule,                                                \
                         .align_bytes = talign,                                                    \
                         .parents = tparents},
#include <caps/captypes.def>
#undef CAPTYPE
};

/* The kernel checks sizes and alignment with masks, not divisions (ARMv7 has no 64-bit divide). */
#define CAPTYPE(tname, tkind, trank, tfixed, tgranule, talign, tzeroed, tparents)                  \
    _Static_assert(((tgranule) & ((tgranule)-1)) == 0 && ((talign) & ((talign)-1)) == 0,           \
                   #tname ": granule and alignment are powers of two");
#include <caps/captypes.def>
#undef CAPTYPE
