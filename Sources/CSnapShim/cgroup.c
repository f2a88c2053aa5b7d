#include "csnap_cgroup.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

int csnap_filesystem_type(const char *path, int64_t *type) {
    struct statfs status;
    if (statfs(path, &status) != 0) {
        return -1;
    }
    *type = (int64_t)status.f_type;
    return 0;
}

/* One eBPF instruction. */
static struct bpf_insn instruction(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    struct bpf_insn insn;
    memset(&insn, 0, sizeof insn);
    insn.code = code;
    insn.dst_reg = dst;
    insn.src_reg = src;
    insn.off = off;
    insn.imm = imm;
    return insn;
}

int csnap_cgroup_attach_device_filter(int group_fd, const struct csnap_device_rule *rules, size_t count) {
    enum { maximum_rules = 200 };
    if (count > maximum_rules) {
        errno = EINVAL;
        return -1;
    }
    /* 5 to read the context, at most 5 per rule, 2 to deny. */
    struct bpf_insn program[5 + 5 * maximum_rules + 2];
    size_t n = 0;

    /* r1 is struct bpf_cgroup_dev_ctx: access_type (access << 16 | type), major, minor. */
    program[n++] = instruction(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0);
    program[n++] = instruction(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0);
    program[n++] = instruction(BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 0xffff);
    program[n++] = instruction(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0);
    program[n++] = instruction(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0);

    for (size_t i = 0; i < count; i++) {
        int32_t type = rules[i].type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
        int any_minor = rules[i].minor < 0;
        /* Each failed comparison jumps past the rest of this rule's block. */
        int16_t rest = any_minor ? 3 : 4;
        program[n++] = instruction(BPF_JMP | BPF_JNE | BPF_K, 3, 0, rest, type);
        program[n++] = instruction(BPF_JMP | BPF_JNE | BPF_K, 4, 0, rest - 1, (int32_t)rules[i].major);
        if (!any_minor) {
            program[n++] = instruction(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, (int32_t)rules[i].minor);
        }
        program[n++] = instruction(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
        program[n++] = instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
    program[n++] = instruction(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
    program[n++] = instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

    union bpf_attr load;
    memset(&load, 0, sizeof load);
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = (uint64_t)(uintptr_t)program;
    load.insn_cnt = (uint32_t)n;
    load.license = (uint64_t)(uintptr_t)"GPL";
    int program_fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
    if (program_fd < 0) {
        return -1;
    }

    union bpf_attr attach;
    memset(&attach, 0, sizeof attach);
    attach.target_fd = (uint32_t)group_fd;
    attach.attach_bpf_fd = (uint32_t)program_fd;
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    int result = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach);
    int saved = errno;
    close(program_fd);
    errno = saved;
    return result;
}
