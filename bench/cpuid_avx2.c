/* LD_PRELOAD shim for benchmarks: the process sees an AVX2-only CPU.
 *
 * With CPUID faulting (Linux arch_prctl ARCH_SET_CPUID, flag cpuid_fault in /proc/cpuinfo),
 * every CPUID instruction traps; the SIGSEGV handler runs the real CPUID, clears the AVX-512
 * and AMX feature bits and steps over the instruction. Or (first, when set) LSTM_CPUID_PATCHED=DIR
 * names a folder of copies made by bench/cpuid_patch.py, whose CPUIDs are UD2s: the SIGILL
 * handler does the same for a UD2 of a file in DIR that its FILE.cpuid lists (and only there).
 * The copies must be loaded in place of the originals: preloaded, a library's soname then
 * matches its copy, and listed before the shim, whose constructor then runs first.
 * Code that reads CPUID after this starts (onnxruntime's MLAS and cpuinfo, PyTorch's) then
 * takes its AVX2 + FMA paths. Libraries linked to the program, glibc
 * included, may have read CPUID in their own constructors before: cap them with their settings
 * (LSTM_ISA, OPENBLAS_CORETYPE, GLIBC_TUNABLES, ATEN_CPU_CAPABILITY; bench/run.py --as-avx2
 * sets them). Faulting is per thread and inherited by threads created later.
 * Other handlers of the signal (V8's wasm trap handler for SIGSEGV) are kept and called for
 * other faults. x86-64 Linux only. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <cpuid.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);

static sigaction_fn real_sigaction;
static struct sigaction app_sig; /* what the program asked for the signal we trap */
static int trap_sig;             /* SIGSEGV (CPUID faulting) or SIGILL (patched copies) */
static const char *patched;      /* LSTM_CPUID_PATCHED */
static int active;

/* POSIX's way to turn dlsym's object pointer into a function pointer. */
static void find_sigaction(void)
{
    *(void **)&real_sigaction = dlsym(RTLD_NEXT, "sigaction");
}

static long set_cpuid(int on)
{
    return syscall(SYS_arch_prctl, ARCH_SET_CPUID, on);
}

/* Clears what an AVX2-only CPU (AMD Zen 3, say) lacks. */
static void mask(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    if (leaf == 7 && sub == 0) {
        r[1] &= ~(1u << 16 | 1u << 17 | 1u << 21 | 1u << 26 | 1u << 27 | 1u << 28 | 1u << 30 |
                  1u << 31);                                           /* EBX */
        r[2] &= ~(1u << 1 | 1u << 6 | 1u << 11 | 1u << 12 | 1u << 14); /* ECX */
        r[3] &= ~(1u << 2 | 1u << 3 | 1u << 8 | 1u << 22 | 1u << 23 | 1u << 24 | 1u << 25);
    } else if (leaf == 7 && sub == 1) {
        r[0] &= ~(1u << 4 | 1u << 5 | 1u << 21); /* AVX-VNNI, AVX512_BF16, AMX-FP16 */
    } else if (leaf == 0xd && sub == 0) {
        r[0] &= ~(7u << 5 | 3u << 17); /* opmask / ZMM / AMX tile state */
    }
}

static void forward(int sig, siginfo_t *info, void *ctx)
{
    struct sigaction a = app_sig;
    if (a.sa_flags & SA_SIGINFO) {
        a.sa_sigaction(sig, info, ctx);
    } else if (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN) {
        a.sa_handler(sig);
    } else { /* default: fault again without us */
        struct sigaction d;
        memset(&d, 0, sizeof d);
        d.sa_handler = SIG_DFL;
        real_sigaction(sig, &d, NULL);
    }
}

static unsigned hexval(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* Whether addr is listed in SO.cpuid (bench/cpuid_patch.py: a stamp line, then the address of
 * each UD2 it wrote, in hexadecimal): the file's own UD2s (compilers' traps) are not CPUIDs. */
static int listed(const char *so, uintptr_t addr)
{
    char path[4096], buf[512];
    size_t n = strlen(so);
    if (n + sizeof ".cpuid" > sizeof path) return 0;
    memcpy(path, so, n);
    memcpy(path + n, ".cpuid", sizeof ".cpuid");
    int fd = open(path, O_RDONLY | O_CLOEXEC), line = 0, found = 0;
    if (fd < 0) return 0;
    uintptr_t v = 0;
    ssize_t got;
    while (!found && (got = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got && !found; i++) {
            if (buf[i] == '\n') {
                found = line++ > 0 && v == addr;
                v = 0;
            } else if (line > 0) {
                v = v << 4 | hexval(buf[i]);
            }
        }
    }
    close(fd);
    return found;
}

/* Whether the trap at ip is a CPUID: faulting, or a listed UD2 in a patched copy. */
static int is_cpuid(int sig, const siginfo_t *info, const unsigned char *ip)
{
    if (sig == SIGSEGV) return info->si_code == SI_KERNEL && ip[0] == 0x0f && ip[1] == 0xa2;
    Dl_info where;
    struct link_map *map = NULL;
    return info->si_code == ILL_ILLOPN && ip[0] == 0x0f && ip[1] == 0x0b &&
           dladdr1(ip, &where, (void **)&map, RTLD_DL_LINKMAP) && map && where.dli_fname &&
           strncmp(where.dli_fname, patched, strlen(patched)) == 0 &&
           listed(where.dli_fname, (uintptr_t)ip - map->l_addr);
}

static void on_trap(int sig, siginfo_t *info, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)g[REG_RIP];
    if (!is_cpuid(sig, info, ip)) {
        forward(sig, info, ctx);
        return;
    }
    uint32_t leaf = (uint32_t)g[REG_RAX], sub = (uint32_t)g[REG_RCX], r[4];
    if (sig == SIGSEGV) set_cpuid(1);
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
    if (sig == SIGSEGV) set_cpuid(0);
    mask(leaf, sub, r);
    g[REG_RAX] = r[0];
    g[REG_RBX] = r[1];
    g[REG_RCX] = r[2];
    g[REG_RDX] = r[3];
    g[REG_RIP] += 2;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (!real_sigaction) find_sigaction();
    if (sig != trap_sig || !active) return real_sigaction(sig, act, old);
    if (old) *old = app_sig;
    if (act) app_sig = *act;
    return 0;
}

static void fail(const char *msg, size_t n, int code)
{
    ssize_t unused = write(2, msg, n);
    (void)unused;
    _exit(code);
}

__attribute__((constructor)) static void start(void)
{
    find_sigaction();
    patched = getenv("LSTM_CPUID_PATCHED");
    if (patched && *patched) { /* patched copies, whether or not CPUID faulting works */
        trap_sig = SIGILL;
    } else if (set_cpuid(0) == 0) {
        trap_sig = SIGSEGV;
    } else { /* a benchmark must not run as it was: the premise is missing (a test skips) */
        static const char msg[] = "cpuid_avx2: this CPU or kernel has no CPUID faulting, and "
                                  "LSTM_CPUID_PATCHED is not set\n";
        fail(msg, sizeof msg - 1, 77);
    }
    struct sigaction a;
    memset(&a, 0, sizeof a);
    a.sa_sigaction = on_trap;
    a.sa_flags = SA_SIGINFO | SA_NODEFER;
    if (!real_sigaction || real_sigaction(trap_sig, &a, &app_sig) != 0) {
        static const char msg[] = "cpuid_avx2: cannot install the signal handler\n";
        fail(msg, sizeof msg - 1, 3);
    }
    active = 1;
}
