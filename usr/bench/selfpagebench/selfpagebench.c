/* selfpagebench: the Appel-Li benchmark and the lazy first touch, served by the domain's handler.
 */
#include "selfpagebench.h"
#include <stdio.h>

struct pmap bench_pmap;

int main(void)
{
    bench_check(libcap_init(), "libcap_init");
    bench_check(pmap_init_self(&bench_pmap), "pmap_init_self");
    bench_handler_init();
    printf("selfpagebench: the upcall design, then the pager design (selfpagechild times its own "
           "faults); cycle counter (under -icount: instructions), "
           "min, median and max of %d runs each\n",
           REPEATS);
    bench_appelli();
    bench_lazy();
    bench_pager();
    printf("selfpagebench: done\n");
    return 0;
}
