"""gdb commands (cap, cspace, mdb, shadow, ptables) that show a researcher the kernel's
capabilities, CSpaces and derivation index, libpmap's shadow tree and the hardware page tables of
the system running in QEMU, as doc/debugging.md describes."""

import re
import struct

import gdb

# phys_to_kernel_ptr: x86-64 maps the first 4 GiB at DIRECT_MAP_VBASE and runs its image at
# KERNEL_IMAGE_VBASE (kernel/arch/x86_64/include/x86_layout.h); ARMv7 maps RAM, 1 GiB from
# RAM_PBASE, at KERNEL_VBASE (kernel/arch/armv7/include/armv7_layout.h).
X86_DIRECT_MAP = 0xFFFF800000000000
X86_DIRECT_MAP_BYTES = 1 << 32
X86_IMAGE_VBASE = 0xFFFFFFFF80000000
ARM_RAM_PBASE = 0x40000000
ARM_RAM_BYTES = 1 << 30
ARM_KERNEL_VBASE = 0xC0000000
DESCENDANTS_SHOWN = 64
RIGHTS = "rwxg"  # CAPRIGHTS_READ, _WRITE, _EXECUTE, _GRANT (include/caps/captypes.h)

# What one command learnt about the target: the type table, and whether kernel memory must be
# read through QEMU's physical-memory mode (ARMv7 in user mode). Emptied before each command.
_state = {}


class HelperError(Exception):
    """A failure the command reports in one line."""


# ---- the target: architecture and memory ----


def arch():
    name = gdb.selected_inferior().architecture().name()
    if "x86-64" in name:
        return "x86_64"
    if name.startswith("arm"):
        return "armv7"
    raise HelperError(f"architecture {name} is neither x86-64 nor ARMv7")


def pointer_bytes():
    return 8 if arch() == "x86_64" else 4


def read_virtual(addr, size):
    """Memory as the CPU sees it now (the domain that runs, or the kernel)."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        raise HelperError(f"cannot read {size} bytes at 0x{addr:x}") from None


def kernel_to_phys(va):
    """The physical address behind a kernel address (its image or direct map), or None."""
    if arch() == "x86_64":
        if va >= X86_IMAGE_VBASE:
            return va - X86_IMAGE_VBASE
        if X86_DIRECT_MAP <= va < X86_DIRECT_MAP + X86_DIRECT_MAP_BYTES:
            return va - X86_DIRECT_MAP
    elif ARM_KERNEL_VBASE <= va < ARM_KERNEL_VBASE + ARM_RAM_BYTES:
        return va - ARM_KERNEL_VBASE + ARM_RAM_PBASE
    return None


def read_physical_mode(pa, size):
    """QEMU's gdb stub reads physical memory while Qqemu.PhyMemMode is 1."""
    reply = gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
    if '"OK"' not in reply:
        raise HelperError("the CPU's mode hides kernel memory from gdb, and this stub cannot "
                          "read physical memory (QEMU's Qqemu.PhyMemMode): stop in the kernel")
    try:
        return bytes(gdb.selected_inferior().read_memory(pa, size))
    except gdb.MemoryError:
        raise HelperError(f"cannot read {size} bytes at physical 0x{pa:x}") from None
    finally:
        gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)


def read_kernel(va, size):
    """Kernel memory: through its address, or, where the CPU's mode forbids that (QEMU checks
    ARMv7's page permissions for gdb too, so in user mode), as physical memory."""
    if not _state.get("physical"):
        try:
            return bytes(gdb.selected_inferior().read_memory(va, size))
        except gdb.MemoryError:
            pass
    pa = kernel_to_phys(va)
    if pa is None:
        raise HelperError(f"cannot read {size} bytes of kernel memory at 0x{va:x}")
    data = read_physical_mode(pa, size)
    _state["physical"] = True
    return data


def direct_map(pa):
    """phys_to_kernel_ptr(pa)."""
    if arch() == "x86_64" and 0 <= pa < X86_DIRECT_MAP_BYTES:
        return X86_DIRECT_MAP + pa
    if arch() == "armv7" and ARM_RAM_PBASE <= pa < ARM_RAM_PBASE + ARM_RAM_BYTES:
        return pa - ARM_RAM_PBASE + ARM_KERNEL_VBASE
    raise HelperError(f"physical 0x{pa:x} lies outside the kernel's direct map")


def read_phys(pa, size):
    return read_kernel(direct_map(pa), size)


def read_pointer(va):
    fmt = "<Q" if pointer_bytes() == 8 else "<I"
    return struct.unpack(fmt, read_kernel(va, pointer_bytes()))[0]


def read_string(va, limit=64):
    size = min(limit, 0x1000 - (va & 0xFFF))
    return read_kernel(va, size).split(b"\0")[0].decode(errors="replace")


# ---- symbols and types ----


def lookup_type(name, whose="the kernel's symbols (file build/ARCH/bin/cpu)"):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise HelperError(f"no type '{name}': load {whose}") from None


def kernel_symbol(name):
    """A variable of the kernel's, looked up in the kernel's symbol file: a domain's libraries
    have symbols of the same name (objtype_info)."""
    for obj in gdb.objfiles():
        if obj.lookup_global_symbol("dcb_current") is None:
            continue
        sym = obj.lookup_global_symbol(name) or obj.lookup_static_symbol(name)
        if sym is not None:
            return sym
    raise HelperError(f"no kernel symbol '{name}': load the kernel's symbols "
                      "(file build/ARCH/bin/cpu)")


def symbol_address(sym):
    return int(sym.value().address)


def offset_of(type_name, member):
    return int(gdb.parse_and_eval(f"(unsigned long)&(({type_name} *)0)->{member}"))


def kernel_struct(va, type_name):
    t = lookup_type(type_name)
    return gdb.Value(read_kernel(va, t.sizeof), t)


def expression_error(expr, e):
    hint = ""
    if isinstance(e, gdb.MemoryError) and arch() == "armv7":
        hint = (" (on ARMv7 in user mode QEMU hides kernel memory from gdb's expressions: name "
                "the slot as l1.l2, give an address, or stop in the kernel)")
    return HelperError(f"cannot evaluate '{expr}': {e}{hint}")


def evaluate_int(expr):
    try:
        return int(gdb.parse_and_eval(expr))
    except gdb.error as e:
        raise expression_error(expr, e) from None


def address_of(expr, tag):
    """The address EXPR names: a pointer to struct TAG, a struct TAG lvalue, or a number."""
    try:
        v = gdb.parse_and_eval(expr)
        t = v.type.strip_typedefs()
        if t.code == gdb.TYPE_CODE_INT:
            return int(v)
        if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == tag:
            return int(v)
        if t.tag == tag and v.address is not None:
            return int(v.address)
    except gdb.error as e:
        raise expression_error(expr, e) from None
    raise HelperError(f"'{expr}' is a {v.type}, not a struct {tag} or a pointer to one")


# ---- capabilities ----


def type_table():
    """(name, kind, rank) of each enum objtype value, from the kernel's objtype_info."""
    if "types" not in _state:
        sym = kernel_symbol("objtype_info")
        table = gdb.Value(read_kernel(symbol_address(sym), sym.type.sizeof), sym.type)
        rows = [table[i] for i in range(sym.type.range()[1] + 1)]
        _state["types"] = [(read_string(int(r["name"])), str(r["kind"]), int(r["rank"]))
                           for r in rows]
    return _state["types"]


def type_name(t):
    types = type_table()
    return types[t][0] if t < len(types) else f"(invalid type {t})"


def type_kind(t):
    types = type_table()
    return types[t][1] if t < len(types) else "?"


def human(nbytes):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if nbytes >= 1 << shift and nbytes % (1 << shift) == 0:
            return f"{nbytes >> shift} {unit}"
    return f"{nbytes} B"


def rights_text(rights):
    return "".join(c if rights & (1 << i) else "-" for i, c in enumerate(RIGHTS))


class Slot:
    """One capability table entry (struct cte), decoded."""

    def __init__(self, addr, cte):
        cap, mdb = cte["cap"], cte["mdb"]
        self.addr, self.value = addr, cte
        self.type, self.rights = int(cap["type"]), int(cap["rights"])
        self.badge, self.base, self.bytes = int(cap["badge"]), int(cap["base"]), int(cap["bytes"])
        self.end = self.base + self.bytes
        self.links = {k: int(mdb["node"][k]) for k in ("left", "right", "parent")}
        self.subtree_end = int(mdb["subtree_end"])
        self.in_index, self.kernel_held = bool(mdb["in_index"]), bool(mdb["kernel_held"])
        self.pte_count = int(cte["mapping"]["pte_count"])

    def same_object(self, other):
        return (self.type, self.base, self.bytes) == (other.type, other.base, other.bytes)

    def columns(self):
        badge = f" badge {self.badge}" if self.badge else ""
        return (f"{type_name(self.type):<20} base 0x{self.base:<10x} size {human(self.bytes):>8}  "
                f"{rights_text(self.rights)}{' mapped' if self.pte_count else ''}{badge}")


def read_cte(va):
    return Slot(va, kernel_struct(va, "struct cte"))


def cnode_slots(cnode):
    """(index, Slot) of every non-empty slot of a CNode capability, read in large pieces."""
    t = lookup_type("struct cte")
    type_at = offset_of("struct cte", "cap.type")
    count = cnode.bytes // t.sizeof
    chunk = max(1, 65536 // t.sizeof)
    for first in range(0, count, chunk):
        n = min(chunk, count - first)
        data = read_phys(cnode.base + first * t.sizeof, n * t.sizeof)
        for i in range(n):
            piece = data[i * t.sizeof:(i + 1) * t.sizeof]
            if piece[type_at] != 0:
                va = direct_map(cnode.base) + (first + i) * t.sizeof
                yield first + i, Slot(va, gdb.Value(piece, t))


def current_dcb():
    dcb = read_pointer(symbol_address(kernel_symbol("dcb_current")))
    if dcb == 0:
        raise HelperError("no current domain (dcb_current is NULL): name one, e.g. "
                          "cspace (struct dcb *)0x...")
    return dcb


def slot_in_cnode(cnode, index):
    if type_kind(cnode.type) != "OBJKIND_CNODE":
        raise HelperError(f"{type_name(cnode.type)} at cte 0x{cnode.addr:x} is not a CNode")
    size = lookup_type("struct cte").sizeof
    if index >= cnode.bytes // size:
        raise HelperError(f"slot {index} lies past the {cnode.bytes // size} slots of the CNode")
    return direct_map(cnode.base) + index * size


def cspace_slot(l1, l2):
    """The cte at CSpace address l1.l2 (l2 None: the L1 slot) of the current domain."""
    root = read_cte(current_dcb() + offset_of("struct dcb", "cspace"))
    l1_cte = slot_in_cnode(root, l1)
    return l1_cte if l2 is None else slot_in_cnode(read_cte(l1_cte), l2)


def cte_address(arg):
    if not arg:
        raise HelperError("name a capability: an expression for a struct cte (or a pointer to "
                          "one), or a CSpace address l1.l2 of the current domain")
    m = re.fullmatch(r"(\d+)\.(\d*)", arg)
    if m:
        return cspace_slot(int(m[1]), int(m[2]) if m[2] else None)
    return address_of(arg, "cte")


def dispatcher_text(dcb_va):
    dcb = kernel_struct(dcb_va, "struct dcb")
    states = {f.enumval: f.name for f in lookup_type("enum dispatcher_state").fields()}
    state = int(dcb["state"])
    return f"\"{dcb['name'].string()}\" (dcb 0x{dcb_va:x}), {states.get(state, state)}"


def mapping_text(s):
    m = s.value["mapping"]
    if s.pte_count == 0:
        return "none"
    entries = "1 entry" if s.pte_count == 1 else f"{s.pte_count} entries"
    return (f"{entries} from slot {int(m['slot'])} of "
            f"{type_name(int(m['table_type']))} at 0x{int(m['table_base']):x}, "
            f"0x{int(m['offset_bytes']):x} into the object")


def cap_lines(arg):
    s = read_cte(cte_address(arg))
    if s.type == 0:
        yield f"cte 0x{s.addr:x}: empty (Null)"
        return
    yield f"cte 0x{s.addr:x}: {type_name(s.type)}"
    yield f"  base      0x{s.base:x}"
    yield f"  size      0x{s.bytes:x} ({human(s.bytes)}), ends at 0x{s.end:x}"
    yield f"  rights    {rights_text(s.rights)}"
    held = ", a copy the kernel holds (not in any CSpace)" if s.kernel_held else ""
    yield f"  index     {'in' if s.in_index else 'NOT in'} the derivation index{held}"
    yield f"  mapping   {mapping_text(s)}"
    kind = type_kind(s.type)
    if kind == "OBJKIND_CNODE":
        yield f"  slots     {s.bytes // lookup_type('struct cte').sizeof}"
    if kind in ("OBJKIND_DISPATCHER", "OBJKIND_ENDPOINT"):
        yield f"  domain    {dispatcher_text(direct_map(s.base))}"
    if kind == "OBJKIND_ENDPOINT":
        yield f"  badge     {s.badge}"


# ---- CSpace ----


def cspace_lines(arg):
    dcb_va = address_of(arg, "dcb") if arg else current_dcb()
    dcb = kernel_struct(dcb_va, "struct dcb")
    root = Slot(dcb_va + offset_of("struct dcb", "cspace"), dcb["cspace"])
    if type_kind(root.type) != "OBJKIND_CNODE":
        raise HelperError(f"dcb 0x{dcb_va:x} has no root CNode (its cspace slot holds "
                          f"{type_name(root.type)})")
    size = lookup_type("struct cte").sizeof
    yield (f"domain \"{dcb['name'].string()}\" (dcb 0x{dcb_va:x}): root {type_name(root.type)} "
           f"at 0x{root.base:x}, {root.bytes // size} slots")
    for l1, slot in cnode_slots(root):
        yield f"  {l1:<9} {slot.columns()}"
        if type_name(slot.type) == "L2CNode":
            for l2, inner in cnode_slots(slot):
                yield f"  {f'{l1}.{l2}':<9} {inner.columns()}"


# ---- the derivation index ----


class DerivationIndex:
    """The kernel's derivation index (kernel/cpu/mdb.c): a treap with parent links, in order of
    (base, end descending, rank, type, cte address), each node knowing its subtree's largest end."""

    def __init__(self):
        tree = symbol_address(kernel_symbol("index_tree"))
        self.root = read_pointer(tree + offset_of("struct treap", "root"))
        self.node_at = offset_of("struct cte", "mdb.node")
        self.cache = {}

    def at(self, node):
        if node == 0:
            return None
        if node not in self.cache:
            self.cache[node] = read_cte(node - self.node_at)
        return self.cache[node]

    def node(self, s):
        return s.addr + self.node_at

    @staticmethod
    def key(s):
        return (s.base, -s.end, type_table()[s.type][2] if s.type < len(type_table()) else 0,
                s.type, s.addr)

    def containing_before(self, x):
        """Entries before x in order that contain it (ancestors, and copies of x before it):
        in order, skipping every subtree whose largest end falls short of x's end."""
        found, stack, n = [], [], self.root
        while True:
            while n and self.at(n).subtree_end >= x.end:
                stack.append(n)
                n = self.at(n).links["left"]
            if not stack:
                return found
            c = self.at(stack.pop())
            if self.key(c) >= self.key(x):
                return found
            if c.end >= x.end:
                found.append(c)
            n = c.links["right"]

    def successor(self, s):
        if s.links["right"]:
            c = self.at(s.links["right"])
            while c.links["left"]:
                c = self.at(c.links["left"])
            return c
        while s.links["parent"]:
            parent = self.at(s.links["parent"])
            if parent.links["left"] == self.node(s):
                return parent
            s = parent
        return None


def cspace_namer():
    """A function naming a cte by its slot in the current domain's CSpace (" (init 3.5)")."""
    try:
        dcb_va = current_dcb()
    except HelperError:
        return lambda va: ""
    dcb, size = kernel_struct(dcb_va, "struct dcb"), lookup_type("struct cte").sizeof
    root = Slot(dcb_va + offset_of("struct dcb", "cspace"), dcb["cspace"])
    ranges = [(direct_map(root.base), root.bytes, "")]
    ranges += [(direct_map(s.base), s.bytes, f"{l1}.") for l1, s in cnode_slots(root)
               if type_name(s.type) == "L2CNode"]

    def name(va):
        for start, length, prefix in ranges:
            if start <= va < start + length:
                return f" ({dcb['name'].string()} {prefix}{(va - start) // size})"
        return ""
    return name


def mdb_entry(s, depth, where, note=""):
    flags = (" kernel-held" if s.kernel_held else "") + (" mapped" if s.pte_count else "")
    return (f"  {'  ' * depth}{type_name(s.type)} 0x{s.base:x}..0x{s.end:x} ({human(s.bytes)}) "
            f"{rights_text(s.rights)}  cte 0x{s.addr:x}{where(s.addr)}{flags}{note}")


def mdb_descendants(index, x, limit, where):
    """Copies of x after it, then its descendants: the entries after x that start below its end."""
    copies, lines, open_ = [], [], [x]
    c = index.successor(x)
    while c is not None and c.base < x.end and len(lines) < limit:
        if c.same_object(x):
            copies.append(c)
        else:
            while len(open_) > 1 and (c.base >= open_[-1].end or c.end > open_[-1].end):
                open_.pop()
            if not c.same_object(open_[-1]):
                open_.append(c)
            lines.append(mdb_entry(c, len(open_) - 2, where))
        c = index.successor(c)
    more = c is not None and c.base < x.end
    return copies, lines, more


def mdb_lines(arg):
    limit, m = DESCENDANTS_SHOWN, re.match(r"-n\s+(\d+)\s+(.*)", arg)
    if m:
        limit, arg = int(m[1]), m[2]
    x = read_cte(cte_address(arg))
    if x.type == 0 or not x.in_index:
        raise HelperError(f"cte 0x{x.addr:x} is not in the derivation index (an empty slot?)")
    index, where = DerivationIndex(), cspace_namer()
    before = index.containing_before(x)
    after, lines, more = mdb_descendants(index, x, limit, where)
    ancestors = [c for c in before if not c.same_object(x)]
    yield f"derivation index around cte 0x{x.addr:x}: {type_name(x.type)} 0x{x.base:x}..0x{x.end:x}"
    yield "ancestors, outermost first:"
    depth = -1
    for i, a in enumerate(ancestors):
        depth += 0 if i and a.same_object(ancestors[i - 1]) else 1
        yield mdb_entry(a, depth, where)
    yield from [] if ancestors else ["  (none)"]
    yield "copies (this one marked):"
    for c in [c for c in before if c.same_object(x)] + [x] + after:
        yield mdb_entry(c, 0, where, "  <- this one" if c.addr == x.addr else "")
    yield f"descendants in index order, indented by nesting (at most {limit}):"
    yield from lines or ["  (none)"]
    if more:
        yield f"  ... more (mdb -n N {arg} shows N)"


# ---- libpmap's shadow tree ----


def read_user(va, size):
    try:
        return read_virtual(va, size)
    except HelperError as e:
        raise HelperError(f"{e}: is gdb stopped in the domain whose memory this is?") from None


def user_struct(va, type_name):
    t = lookup_type(type_name, "the domain's symbols (add-symbol-file build/ARCH/bin/DOMAIN)")
    return gdb.Value(read_user(va, t.sizeof), t)


def pmap_struct(va):
    """A struct pmap without its bootstrap area (tens of KiB libpmap reads only at start)."""
    t = lookup_type("struct pmap", "the domain's symbols (add-symbol-file build/ARCH/bin/DOMAIN)")
    used = offset_of("struct pmap", "bootstrap")
    return gdb.Value(read_user(va, used) + bytes(t.sizeof - used), t)


def pmap_layout(pmap):
    layout = pmap["layout"].dereference()
    levels = int(layout["levels"])
    return {"levels": levels,
            "entries": [int(layout["entries"][i]) for i in range(levels)],
            "span": [int(layout["span_bytes"][i]) for i in range(levels)]}


def shadow_runs(vnode_va, vaddr, layout, counts):
    """(level, run vaddr, struct pmap_mapping address) of every run below a shadow table."""
    node = user_struct(vnode_va, "struct pmap_vnode")
    level, ptr = int(node["level"]), pointer_bytes()
    n, span = layout["entries"][level], layout["span"][level]
    child_at = vnode_va + offset_of("struct pmap_vnode", "child")
    fmt = "<%d%s" % (n, "Q" if ptr == 8 else "I")
    children, previous = struct.unpack(fmt, read_user(child_at, n * ptr)), 0
    for i, c in enumerate(children):
        if c & 1 and c != previous:
            yield level, vaddr + i * span, c & ~1
        elif c and not c & 1:
            counts["tables"] += 1
            yield from shadow_runs(c, vaddr + i * span, layout, counts)
        previous = c


def run_flags_text(m, level, layout):
    """vregion_flags_format of run_flags (lib/libabi/flags_format.c, pmap_internal.h)."""
    flags = int(m["flags"])
    names = [f.name for f in m.type.fields()]
    large = bool(int(m["large"])) if "large" in names else level < layout["levels"] - 1
    text = "".join(c if flags & (1 << i) else "-" for i, c in enumerate("rwx"))
    return text + (" large" if large else "") + (" nocache" if flags & 8 else "")


def run_line(level, vaddr, m, layout):
    span, count, slot = layout["span"][level], int(m["pte_count"]), int(m["slot"])
    tail = "  adopted, kept" if int(m["kept"]) else "  borrowed" if int(m["borrowed"]) else ""
    return (f"  0x{vaddr:012x}..0x{vaddr + count * span:012x}  level {level} slots "
            f"{slot}..{slot + count - 1}  {count} x {span >> 10} KiB  "
            f"frame+0x{int(m['offset_pages']) << 12:x}  {run_flags_text(m, level, layout)}{tail}")


def check_own_space(pmap):
    if not bool(pmap["own_space"]):
        return
    root, loaded = int(pmap["root_base"]), loaded_root()
    if loaded is not None and root != loaded:
        raise HelperError(f"this pmap runs on root 0x{root:x}, but 0x{loaded:x} is loaded: stop "
                          "in its domain")


def shadow_lines(arg):
    if not arg:
        raise HelperError("name a pmap: a struct pmap * (or struct pmap) expression")
    pmap = pmap_struct(address_of(arg, "pmap"))
    check_own_space(pmap)
    layout, counts, runs = pmap_layout(pmap), {"tables": 0}, 0
    stats = pmap["stats"]
    yield (f"pmap: {int(stats['tables'])} tables below the root, {int(stats['mappings'])} runs, "
           f"{int(stats['meta_blocks'])} metadata blocks; runs in address order:")
    for level, vaddr, m_va in shadow_runs(int(pmap["root"]), 0, layout, counts):
        runs += 1
        yield run_line(level, vaddr, user_struct(m_va, "struct pmap_mapping"), layout)
    if (counts["tables"], runs) != (int(stats["tables"]), int(stats["mappings"])):
        yield f"shadow: the walk found {counts['tables']} tables and {runs} runs, unlike the stats"


# ---- hardware page tables ----


class X86Tables:
    """x86-64 four-level tables (kernel/arch/x86_64/paging_arch.c)."""
    names = ["VNode_x86_64_pml4", "VNode_x86_64_pdpt", "VNode_x86_64_pdir", "VNode_x86_64_ptable"]
    shifts, entry_bytes, align, user_slots = [39, 30, 21, 12], 8, 0x1000, 256

    def entries(self, level):
        return 512

    def present(self, level, e):
        return e & 1 != 0

    def is_table(self, level, e):
        return level < 3 and not e & 0x80

    def paddr(self, level, e):
        mask = 0x000FFFFFFFFFF000
        return e & mask if self.is_table(level, e) else e & mask & ~((1 << self.shifts[level]) - 1)

    def rights(self, level, e):
        return ("r" + ("w" if e & 2 else "-") + ("-" if e >> 63 else "x"),
                e & 0x10 != 0, e & 4 != 0, False)


class ArmTables:
    """ARMv7 short descriptors: an L1 of 4096 entries (sections, L2 tables of 256 small pages)
    (kernel/arch/armv7/paging_arch.c)."""
    names = ["VNode_ARM_l1", "VNode_ARM_l2"]
    shifts, entry_bytes, align, user_slots = [20, 12], 4, 0x4000, 2048

    def entries(self, level):
        return 4096 if level == 0 else 256

    def present(self, level, e):
        return e & 3 == 1 or e & 2 != 0 if level == 0 else e & 2 != 0

    def is_table(self, level, e):
        return level == 0 and e & 3 == 1

    def paddr(self, level, e):
        if level == 0:
            return e & (0xFFFFFC00 if e & 3 == 1 else 0xFFF00000)
        return e & 0xFFFFF000

    def rights(self, level, e):
        """rwx as the kernel reads them, nocache, user (AP[1]), PXN."""
        if self.is_table(level, e):
            return "", False, False, e & 4 != 0
        ap2, ap01, xn = (e >> 15, e >> 10, e >> 4) if level == 0 else (e >> 9, e >> 4, e)
        return ("r" + ("-" if ap2 & 1 else "w") + ("-" if xn & 1 else "x"),
                not e & 8, ap01 & 2 != 0, level == 0 and e & 1 != 0)


def rights_words(rights):
    rwx, nocache, user, pxn = rights
    words = [w for w, on in (("nocache", nocache), ("user", user), ("pxn", pxn)) if on]
    return " ".join([rwx] + words)


def loaded_root():
    """The root table's physical address from the CPU, or None if gdb shows no register."""
    names = ["$cr3"] if arch() == "x86_64" else ["$TTBR0", "$TTBR0_EL1"]
    mask = 0x000FFFFFFFFFF000 if arch() == "x86_64" else 0xFFFFC000
    for reg in names:
        try:
            v = gdb.parse_and_eval(reg)
        except gdb.error:
            continue
        if v.type.code != gdb.TYPE_CODE_VOID:
            return int(v) & mask
    return None


def read_table(fmt, level, pa):
    n = fmt.entries(level)
    data = read_phys(pa, n * fmt.entry_bytes)
    return struct.unpack("<%d%s" % (n, "Q" if fmt.entry_bytes == 8 else "I"), data)


def leaf_run(fmt, level, entries, first):
    """How many entries from first on continue the page run it starts (as ptdump's run_length)."""
    e0, span, n = entries[first], 1 << fmt.shifts[level], 1
    while first + n < len(entries):
        e = entries[first + n]
        if (not fmt.present(level, e) or fmt.is_table(level, e)
                or fmt.paddr(level, e) != fmt.paddr(level, e0) + n * span
                or fmt.rights(level, e) != fmt.rights(level, e0)):
            break
        n += 1
    return n


def table_lines(fmt, level, pa, vbase):
    entries, pad, span = read_table(fmt, level, pa), "  " * (level + 1), 1 << fmt.shifts[level]
    i = 0
    while i < len(entries):
        e, va = entries[i], vbase + i * span
        if level == 0 and i >= fmt.user_slots:
            yield f"{pad}[{i}..{len(entries) - 1}] the kernel's half"
            return
        if not fmt.present(level, e):
            i += 1
            continue
        if fmt.is_table(level, e):
            pxn = " pxn" if fmt.rights(level, e)[3] else ""
            yield (f"{pad}[{i}] 0x{e:x} -> {fmt.names[level + 1]} at 0x{fmt.paddr(level, e):x}"
                   f"{pxn}  va 0x{va:x}")
            yield from table_lines(fmt, level + 1, fmt.paddr(level, e), va)
            i += 1
            continue
        n = leaf_run(fmt, level, entries, i)
        index = f"{i}..{i + n - 1}" if n > 1 else f"{i}"
        yield (f"{pad}[{index}] 0x{e:x} -> 0x{fmt.paddr(level, e):x}, {n} x {span >> 10} KiB "
               f"{rights_words(fmt.rights(level, e))}  va 0x{va:x}..0x{va + n * span:x}")
        i += n


def ptables_lines(arg):
    fmt = X86Tables() if arch() == "x86_64" else ArmTables()
    root = evaluate_int(arg) if arg else loaded_root()
    if root is None:
        raise HelperError("gdb shows no register with the root table here ($cr3; ARMv7: $TTBR0 "
                          "or $TTBR0_EL1): give the root's physical address, ptables 0x...")
    if root & (fmt.align - 1):
        raise HelperError(f"0x{root:x} is not a root table's address (aligned to 0x{fmt.align:x})")
    direct_map(root)
    yield f"{fmt.names[0]} at 0x{root:x}:"
    yield from table_lines(fmt, 0, root, 0)


# ---- the commands ----


class HelperCommand(gdb.Command):
    """Runs a command's lines generator; any failure becomes one line, never a traceback."""

    def __init__(self, name, lines):
        super().__init__(name, gdb.COMMAND_USER)
        self.name, self.lines = name, lines

    def invoke(self, arg, from_tty):
        _state.clear()
        try:
            for line in self.lines(arg.strip()):
                gdb.write(line + "\n")
        except HelperError as e:
            raise gdb.GdbError(f"{self.name}: {e}") from None
        except gdb.MemoryError as e:
            raise gdb.GdbError(f"{self.name}: memory not readable: {e}") from None
        except gdb.error as e:
            raise gdb.GdbError(f"{self.name}: {e}") from None
        except Exception as e:  # a bug here must still not print a traceback
            raise gdb.GdbError(f"{self.name}: internal error: {type(e).__name__}: {e}") from None


class CapCommand(HelperCommand):
    """Print one capability: cap EXPR | cap L1.L2 | cap L1.
EXPR is a kernel capability-table entry: a struct cte, a pointer to one, or its address
(e.g. cap &dcb_current->vroot; on ARMv7 such an expression works only when gdb is stopped
in the kernel, as QEMU hides kernel memory from gdb in user mode). L1.L2 names a slot of
the current domain's CSpace as cspace prints it (works anywhere); L1. the root CNode's
slot L1 itself.
Prints the type (the kernel's objtype_info name), base, size, rights (r w x g: read, write,
execute, grant), whether it is in the derivation index or a copy the kernel holds, the
mapping it installed (table, slot, entries, offset), and for CNodes their slots, for
Dispatchers and Endpoints the domain, for Endpoints the badge. Needs the kernel's symbols."""

    def __init__(self):
        super().__init__("cap", cap_lines)


class CspaceCommand(HelperCommand):
    """Print a domain's CSpace: cspace [DCB]
One line per non-empty slot of the root (L1) CNode, then of each L2 CNode it holds:
the CSpace address (l1 or l1.l2, as a domain's capaddr_make(l1, l2) names it), type,
base, size and rights. Without an argument: the current domain (the kernel's
dcb_current); else DCB, an expression for a struct dcb or a pointer to one.
Needs the kernel's symbols."""

    def __init__(self):
        super().__init__("cspace", cspace_lines)


class MdbCommand(HelperCommand):
    """Print a capability's neighbourhood in the derivation index: mdb [-n N] EXPR | L1.L2
EXPR or L1.L2 name a capability-table entry as for the command cap. The index
(kernel/cpu/mdb.c) is one treap of every live capability ordered by base, then end
descending, so every ancestor precedes its descendants. Prints:
  ancestors: the entries before it whose object contains it, outermost first (found by
    an in-order walk that skips subtrees whose largest end falls short of its end);
  copies: the entries of the same type, base and size, this one marked;
  descendants: the entries after it that start below its end, in index order, indented
    by nesting, at most N (default 64).
Each line: type, physical range, size, rights, the cte's address and, for a slot of the
current domain's CSpace, its name and address there ("(init 3.5)"), kernel-held (a
copy the kernel keeps, as a DCB's), mapped. Needs the kernel's symbols."""

    def __init__(self):
        super().__init__("mdb", mdb_lines)


class ShadowCommand(HelperCommand):
    """Print libpmap's shadow tree of a pmap: shadow EXPR
EXPR is a struct pmap * (or struct pmap) of the domain, e.g. shadow pmap in pmap_dump.
Prints what pmap_dump prints: the stats line, then one line per run in address order:
virtual range, level of its table, slots, pages x page size, offset into the frame,
flags as rwx (large, nocache), adopted/kept or borrowed. Reads the domain's memory:
needs the domain's symbols (add-symbol-file) and gdb stopped while that domain's address
space is loaded (in the domain, or in the kernel during its system call)."""

    def __init__(self):
        super().__init__("shadow", shadow_lines)


class PtablesCommand(HelperCommand):
    """Print the hardware page tables of an address space: ptables [ROOT_PADDR]
ROOT_PADDR is the physical address of a root table (x86-64 PML4, ARMv7 L1); default the
loaded one: $cr3 & ~0xfff on x86-64, $TTBR0 & ~0x3fff on ARMv7 (gdb-multiarch names the
register TTBR0; older versions TTBR0_EL1). Tables are read as physical memory through the
kernel's direct map (on ARMv7 in user mode, where QEMU hides the kernel's mappings from
gdb, through QEMU's physical-memory mode). Prints each present entry indented by level,
as the kernel's ptdump does: [index] raw entry -> next table, or a run of consecutive
pages collapsed into one line with its physical address, count x size, rwx, nocache,
user (a user-mode page: x86 U/S, ARMv7 AP[1]), pxn (ARMv7: the kernel may not execute
it) and the virtual range. The root's kernel half is summarised. Needs no symbols."""

    def __init__(self):
        super().__init__("ptables", ptables_lines)


CapCommand()
CspaceCommand()
MdbCommand()
ShadowCommand()
PtablesCommand()
