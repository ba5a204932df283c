/* The pager's side of fault messages: telling them from other messages, and their facts. */
#include <lmp.h>

bool pager_fault_of(const struct lmp_msg *m, struct pager_fault *f)
{
    if (!m->fault || m->length < PAGER_MSG_WORDS) {
        return false;
    }
    *f = (struct pager_fault){
        .badge = m->badge,
        .vaddr = m->words[PAGER_MSG_VADDR],
        .ip = m->words[PAGER_MSG_IP],
        .kind = (unsigned)m->words[PAGER_MSG_KIND],
    };
    return true;
}

bool pager_recv(struct lmp_msg *m, struct pager_fault *f)
{
    lmp_recv(m);
    return pager_fault_of(m, f);
}
