/* Capability object types, their properties and the rights bits, generated from captypes.def. */
#ifndef CAPS_CAPTYPES_H
#define CAPS_CAPTYPES_H

#include <stdbool.h>
#include <stdint.h>

/* Physical addresses and sizes are 64 bits wide on every architecture. */
typedef uint64_t genpaddr_t;
typedef uint64_t gensize_t;

#define BASE_PAGE_BITS 12
#define BASE_PAGE_BYTES ((gensize_t)1 << BASE_PAGE_BITS)

/* A capability table entry occupies 2^CTE_BITS bytes of its CNode's memory. */
#define CTE_BITS 7
#define CTE_BYTES ((gensize_t)1 << CTE_BITS)
#define L2_CNODE_BITS 8
#define L2_CNODE_SLOTS (1u << L2_CNODE_BITS)
#define L2_CNODE_BYTES ((gensize_t)L2_CNODE_SLOTS * CTE_BYTES)
/* A Dispatcher object: the kernel's control block of one domain. */
#define DISPATCHER_BYTES ((gensize_t)1024)

enum objtype {
#define CAPTYPE(name, kind, rank, fixed, granule, align, zeroed, parents) ObjType_##name,
#include <caps/captypes.def>
#undef CAPTYPE
    ObjType_Num
};

#define OBJTYPE_BIT(type) (UINT32_C(1) << (type))
_Static_assert(ObjType_Num <= 32, "objtype parent masks are 32 bits");

enum objkind {
    OBJKIND_NONE,       /* the empty slot */
    OBJKIND_MEM,        /* untyped memory: PhysAddr, RAM */
    OBJKIND_FRAME,      /* mappable memory */
    OBJKIND_CNODE,      /* holds capability table entries */
    OBJKIND_VNODE,      /* a hardware page table */
    OBJKIND_DISPATCHER, /* a domain's control block (doc/domains.md) */
    OBJKIND_ENDPOINT,   /* a way to send messages to a dispatcher's domain */
};

struct objtype_info {
    const char *name;
    enum objkind kind;
    uint8_t rank;
    bool zeroed;
    gensize_t fixed_bytes;
    gensize_t granule_bytes;
    gensize_t align_bytes;
    uint32_t parents;
};

extern const struct objtype_info objtype_info[ObjType_Num];

static inline bool objtype_is_valid(uint64_t type)
{
    return type < ObjType_Num;
}

static inline const char *objtype_name(enum objtype type)
{
    return objtype_is_valid(type) ? objtype_info[type].name : "(invalid)";
}

static inline bool objtype_is_cnode(enum objtype type)
{
    return objtype_is_valid(type) && objtype_info[type].kind == OBJKIND_CNODE;
}

static inline bool objtype_is_vnode(enum objtype type)
{
    return objtype_is_valid(type) && objtype_info[type].kind == OBJKIND_VNODE;
}

/* May an object of type child be retyped out of a capability of type parent? */
static inline bool objtype_may_retype(enum objtype parent, enum objtype child)
{
    return (objtype_info[child].parents & OBJTYPE_BIT(parent)) != 0;
}

/* Rights carried by a capability; copies and mints never add any. */
#define CAPRIGHTS_READ (1u << 0)
#define CAPRIGHTS_WRITE (1u << 1)
#define CAPRIGHTS_EXECUTE (1u << 2)
#define CAPRIGHTS_GRANT (1u << 3)
#define CAPRIGHTS_ALLRIGHTS (CAPRIGHTS_READ | CAPRIGHTS_WRITE | CAPRIGHTS_EXECUTE | CAPRIGHTS_GRANT)
#define CAPRIGHTS_READ_WRITE (CAPRIGHTS_READ | CAPRIGHTS_WRITE)

typedef uint8_t caprights_t;

#endif
