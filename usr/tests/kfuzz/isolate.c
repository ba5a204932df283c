/* Runs in a child process, so that a kernel that panics or crashes is a failure to shrink too. */
#include "kfuzz.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

void *fuzz_shared_alloc(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("fuzz: mmap");
        exit(EXIT_FAILURE);
    }
    return p;
}

void fuzz_shared_free(void *p, size_t bytes)
{
    munmap(p, bytes);
}

/* Far more than a sequence of a few thousand steps takes, even under the sanitizers. */
#define FUZZ_SEQUENCE_SECONDS 60

struct shared_run {
    struct failure f;
    struct fuzz_counts counts;
    size_t done;
    int finished;
};

struct failure fuzz_run_isolated(struct step *steps, size_t count, bool generate, uint64_t seed,
                                 const struct fuzz_options *opt, struct fuzz_counts *counts,
                                 size_t *done)
{
    struct shared_run *r = fuzz_shared_alloc(sizeof(*r));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fuzz: fork");
        exit(EXIT_FAILURE);
    }
    if (pid == 0) {
        alarm(FUZZ_SEQUENCE_SECONDS); /* a kernel that loops (a corrupt queue) is a crash too */
        r->f = fuzz_run(steps, count, generate, seed, opt, &r->counts, &r->done);
        r->finished = 1;
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    struct failure f = r->f;
    if (!r->finished) {
        f = (struct failure){.kind = FAIL_CRASH,
                             .step = r->done > 0 ? r->done - 1 : 0,
                             .got = WIFSIGNALED(status) ? (uint64_t)WTERMSIG(status)
                                                        : (uint64_t)WEXITSTATUS(status)};
    }
    fuzz_counts_add(counts, &r->counts);
    *done = r->done;
    fuzz_shared_free(r, sizeof(*r));
    return f;
}
