/* LD_PRELOAD shim for tests/test_offline.py: records every attempt to look up a name or open a
 * network socket in this process (and its children) to $NETWATCH_LOG, and refuses it.
 *
 * Two levels, since libmediapipe.so carries its own socket() and connect() that LD_PRELOAD
 * cannot replace:
 *   - libc calls: getaddrinfo, gethostbyname*, getnameinfo, res_* and libc's socket()/connect()
 *     for anything but AF_UNIX are replaced: logged, and fail;
 *   - system calls: a seccomp filter sends every socket() of a family other than AF_UNIX (and
 *     io_uring_setup) to a watcher thread that logs it and makes it fail with EACCES. A filter the
 *     program installs itself that refuses the call (SECCOMP_RET_ERRNO) takes precedence over
 *     this one (SECCOMP_RET_USER_NOTIF), so a socket refused there is not logged: the log holds
 *     the sockets that would have been opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netdb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int log_fd = -1;

static void note(const char *what, const char *detail, long number) {
    char line[512];
    int n = snprintf(line, sizeof line, "%s %s %ld pid=%d\n", what, detail ? detail : "-", number, getpid());
    if (log_fd >= 0 && n > 0) {
        ssize_t ignored = write(log_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        (void)ignored;
    }
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    (void)service; (void)hints; (void)res;
    note("getaddrinfo", node, 0);
    return EAI_FAIL;
}
int getaddrinfo_a(int mode, struct gaicb *list[], int n, struct sigevent *sevp) {
    (void)mode; (void)list; (void)sevp;
    note("getaddrinfo_a", "-", n);
    return EAI_FAIL;
}
int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen, char *serv,
                socklen_t servlen, int flags) {
    (void)salen; (void)host; (void)hostlen; (void)serv; (void)servlen; (void)flags;
    note("getnameinfo", "-", sa ? sa->sa_family : -1);
    return EAI_FAIL;
}
struct hostent *gethostbyname(const char *name) {
    note("gethostbyname", name, 0);
    h_errno = NO_RECOVERY;
    return NULL;
}
struct hostent *gethostbyname2(const char *name, int af) {
    note("gethostbyname2", name, af);
    h_errno = NO_RECOVERY;
    return NULL;
}
int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen, struct hostent **result,
                    int *h_errnop) {
    (void)ret; (void)buf; (void)buflen;
    note("gethostbyname_r", name, 0);
    *result = NULL;
    *h_errnop = NO_RECOVERY;
    return ENOENT;
}
int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf, size_t buflen,
                     struct hostent **result, int *h_errnop) {
    (void)ret; (void)buf; (void)buflen;
    note("gethostbyname2_r", name, af);
    *result = NULL;
    *h_errnop = NO_RECOVERY;
    return ENOENT;
}
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
    (void)addr; (void)len;
    note("gethostbyaddr", "-", type);
    h_errno = NO_RECOVERY;
    return NULL;
}
#define RES_FN(name)                                                                   \
    int name(const char *dname, int cls, int type, unsigned char *answer, int anslen) { \
        (void)cls; (void)type; (void)answer; (void)anslen;                            \
        note(#name, dname, 0);                                                         \
        return -1;                                                                     \
    }
RES_FN(res_query)
RES_FN(res_search)
RES_FN(__res_query)
RES_FN(__res_search)
#define RES_NFN(name)                                                                             \
    int name(void *state, const char *dname, int cls, int type, unsigned char *answer, int anslen) { \
        (void)state; (void)cls; (void)type; (void)answer; (void)anslen;                          \
        note(#name, dname, 0);                                                                    \
        return -1;                                                                                \
    }
RES_NFN(res_nquery)
RES_NFN(res_nsearch)

int socket(int domain, int type, int protocol) {
    if (domain != AF_UNIX) {
        note("socket", "libc", domain);
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_socket, domain, type, protocol);
}
int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    if (addr && addr->sa_family != AF_UNIX) {
        note("connect", "libc", addr->sa_family);
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_connect, fd, addr, len);
}

#if defined(__x86_64__)
#define WATCH_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define WATCH_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef WATCH_ARCH
static int listener = -1;

static void *watch(void *unused) {
    (void)unused;
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return NULL;
    size_t req_size = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
                                                                           : sizeof(struct seccomp_notif);
    size_t resp_size = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
                           ? sizes.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
    struct seccomp_notif *req = malloc(req_size);
    struct seccomp_notif_resp *resp = malloc(resp_size);
    for (;;) {
        memset(req, 0, req_size);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
            if (errno == EINTR || errno == ENOENT) continue;
            return NULL;
        }
        note(req->data.nr == SYS_socket ? "sys_socket" : "sys_io_uring_setup", "kernel",
             (long)(int)req->data.args[0]);
        memset(resp, 0, resp_size);
        resp->id = req->id;
        resp->error = -EACCES;
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
    }
}

static void start_watch(void) {
    struct sock_filter prog[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WATCH_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_io_uring_setup, 4, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 2),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
    };
    struct sock_fprog fprog = {sizeof prog / sizeof prog[0], prog};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return;
    listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog);
    if (listener < 0) return;
    pthread_t thread;
    if (pthread_create(&thread, NULL, watch, NULL) == 0) {
        pthread_detach(thread);
        note("watching", "kernel", 0);
    }
}
#else
static void start_watch(void) {}
#endif

__attribute__((constructor)) static void netwatch_init(void) {
    const char *path = getenv("NETWATCH_LOG");
    if (!path) return;
    log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    start_watch();
}
