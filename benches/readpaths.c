/*
 * What reading a file costs, by two paths: `pread` into a buffer, as triage reads a file, or
 * a memory map. Two threads each read half of the file 64 KiB at a time and make one light
 * pass over each piece (an XOR of its words), so that every byte is brought from memory.
 *
 *   gcc -O2 -pthread benches/readpaths.c -o readpaths
 *   /usr/bin/time -f "%e s %U user %S system" ./readpaths FILE MODE MIB
 *
 * MODE 0: `pread` into a 64 KiB buffer (MIB unused).
 * MODE 1: mappings of MIB MiB (MAP_POPULATE), each piece copied into the buffer first.
 * MODE 2: mappings of MIB MiB (MAP_POPULATE), each piece read in place.
 * MODE 3: as 2, without MAP_POPULATE.
 *
 * Prints the XOR of everything read, so that no pass can be left out.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIECE 65536

static int fd;
static off_t size;
static int mode;
static size_t window;

/* The XOR of the whole words of `n` bytes. */
static uint64_t pass(const unsigned char *p, size_t n) {
    uint64_t x = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        x ^= w;
    }
    return x;
}

static size_t min_size(off_t a, size_t b) { return a < (off_t)b ? (size_t)a : b; }

/* Reads [lo, hi) with `pread`. */
static uint64_t by_pread(off_t lo, off_t hi, unsigned char *buf) {
    uint64_t x = 0;
    for (off_t at = lo; at < hi; at += PIECE) {
        ssize_t got = pread(fd, buf, min_size(hi - at, PIECE), at);
        if (got < 0) {
            perror("pread");
            exit(1);
        }
        x ^= pass(buf, (size_t)got);
    }
    return x;
}

/* Reads [lo, hi) through mappings of `window` bytes; `lo` is on a page boundary. */
static uint64_t by_map(off_t lo, off_t hi, unsigned char *buf) {
    uint64_t x = 0;
    int flags = MAP_PRIVATE | (mode == 3 ? 0 : MAP_POPULATE);
    for (off_t at = lo; at < hi; at += (off_t)window) {
        size_t n = min_size(hi - at, window);
        unsigned char *map = mmap(NULL, n, PROT_READ, flags, fd, at);
        if (map == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
        for (size_t k = 0; k < n; k += PIECE) {
            size_t c = min_size((off_t)(n - k), PIECE);
            if (mode == 1) {
                memcpy(buf, map + k, c);
                x ^= pass(buf, c);
            } else {
                x ^= pass(map + k, c);
            }
        }
        munmap(map, n);
    }
    return x;
}

static void *half(void *which) {
    long second = (long)which;
    off_t middle = (size / 2) & ~(off_t)4095; /* a page boundary, where a map may start */
    off_t lo = second ? middle : 0, hi = second ? size : middle;
    unsigned char *buf = aligned_alloc(64, PIECE);
    uint64_t x = mode == 0 ? by_pread(lo, hi, buf) : by_map(lo, hi, buf);
    free(buf);
    return (void *)(uintptr_t)x;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: readpaths FILE MODE MIB\n");
        return 2;
    }
    fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    size = st.st_size;
    mode = atoi(argv[2]);
    window = (size_t)atoi(argv[3]) << 20;
    if (mode < 0 || mode > 3 || (mode > 0 && window == 0)) {
        fprintf(stderr, "readpaths: MODE is 0 to 3, and MIB more than 0 for a map\n");
        return 2;
    }
    pthread_t threads[2];
    void *results[2];
    for (long t = 0; t < 2; t++) pthread_create(&threads[t], NULL, half, (void *)t);
    for (int t = 0; t < 2; t++) pthread_join(threads[t], &results[t]);
    printf("%llx\n", (unsigned long long)((uintptr_t)results[0] ^ (uintptr_t)results[1]));
    return 0;
}
