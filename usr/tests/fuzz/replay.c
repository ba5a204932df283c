/*
 * Feeds files to a harness without libFuzzer, each in its own process, so that `make test`
 * keeps every harness building and passing over its seed corpus:
 *   replay_<name> FILE-OR-FOLDER...
 * Prints one line per input and closes with "N inputs, F failed"; exits non-zero on a failure.
 */
#include "fuzz.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned inputs;
static unsigned failures;

static void run_child(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        _exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    /* Exactly the input's size on the heap, as libFuzzer passes it: a read past it is seen. */
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    if (data == NULL || size < 0 || fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        _exit(2);
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data, (size_t)size);
    free(data);
    fflush(stdout);
    _exit(0);
}

static void replay_file(const char *path)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        run_child(path);
    }
    int status;
    waitpid(pid, &status, 0);
    inputs++;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("ok   %s\n", path);
        return;
    }
    failures++;
    if (WIFSIGNALED(status)) {
        printf("FAIL %s (signal %d)\n", path, WTERMSIG(status));
    } else {
        printf("FAIL %s (exit status %d)\n", path, WEXITSTATUS(status));
    }
}

static int regular_files_only(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* A folder's files in name order, so that every run replays the same sequence. */
static void replay_folder(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, regular_files_only, alphasort);
    if (n < 0) {
        perror(dir);
        failures++;
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        replay_file(path);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            failures++;
        } else if (S_ISDIR(st.st_mode)) {
            replay_folder(argv[i]);
        } else {
            replay_file(argv[i]);
        }
    }
    printf("%u inputs, %u failed\n", inputs, failures);
    return failures == 0 && inputs > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
