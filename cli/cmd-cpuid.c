/* SPDX-License-Identifier: MIT */
/* kvmcpu cpuid: the guest CPUID table (and MSR/capability plans) for a spec on a host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kvmcpu cpuid --cpu SPEC [--hv SPEC] [--nested] [--smp SPEC] [--vcpu I]\n"
		"                    [--kvm PARAMS] [--host FILE] [--enforce] [--explain] [--json]\n\n"
		"Resolves a CPU spec against a host into the table a VMM gives KVM_SET_CPUID2:\n"
		"guest features = host AND model, for every CPUID feature word.\n\n"
		"  --cpu SPEC     MODEL[+feature|+no_feature]..., or host, or max\n"
		"                 e.g. Cascadelake-Server-v5+no_hle+no_rtm+avx512vnni\n"
		"  --hv SPEC      Hyper-V enlightenments: [PRESET+]flag+no_flag+spinlocks=N...\n"
		"  --nested       let the guest run its own hypervisor (nested_virt); without\n"
		"                 --hv this implies hv=windows (a Hyper-V identity, with a\n"
		"                 warning); add --hv none to keep KVM's\n"
		"  --kvm PARAMS   the parameter string 'hv=...,cpu=...,nested_virt'\n"
		"                 (--cpu, --hv and --nested add the parts it lacks; each part\n"
		"                 once; cpu= defaults to host)\n"
		"  --smp SPEC     the topology, QEMU's -smp: N[,sockets=S][,dies=D][,modules=M]\n"
		"                 [,cores=C][,threads=T] (default 1 vCPU); passed on as smp=SPEC\n"
		"  --vcpu I       print vCPU I's table (APIC and topology IDs; default 0)\n"
		"  --host FILE    a recorded host (JSON or text); default: this machine's /dev/kvm\n"
		"  --enforce      fail (exit 1) when the host lacks any feature of the model\n"
		"  --explain      say, for each dropped, forced or added bit, why\n"
		"  --json         one JSON object: entries, msrs, caps, dropped, hv_dropped, words\n"
		"  -h, --help     this text\n");
}

/* The table printed: one vCPU's. */
struct table {
	const struct kvmcpu_cpuid_entry *e;
	size_t n;
};

static void print_table(const struct kvmcpu_result *r, const struct table *t)
{
	size_t n = t->n;
	const struct kvmcpu_cpuid_entry *e = t->e;
	printf("%-10s %-5s %-5s %-10s %-10s %-10s %-10s\n", "FUNCTION", "INDEX", "FLAGS", "EAX",
	       "EBX", "ECX", "EDX");
	for (size_t i = 0; i < n; i++)
		printf("0x%08x 0x%-3x %-5u 0x%08x 0x%08x 0x%08x 0x%08x\n", e[i].function,
		       e[i].index, e[i].flags, e[i].eax, e[i].ebx, e[i].ecx, e[i].edx);
	if (kvmcpu_result_msr_count(r))
		printf("\nMSRs (KVM_SET_MSRS):\n");
	for (size_t i = 0; i < kvmcpu_result_msr_count(r); i++) {
		const struct kvmcpu_msr *m = kvmcpu_result_msr_at(r, i);
		if (m->per_vcpu_index)
			printf("  0x%08x %-30s <vCPU index>\n", m->index, m->name);
		else
			printf("  0x%08x %-30s 0x%016llx\n", m->index, m->name,
			       (unsigned long long)m->value);
	}
	if (kvmcpu_result_cap_count(r))
		printf("\nvCPU capabilities (KVM_ENABLE_CAP, in order):\n");
	for (size_t i = 0; i < kvmcpu_result_cap_count(r); i++) {
		const struct kvmcpu_cap *c = kvmcpu_result_cap_at(r, i);
		printf("  %-34s %s\n", c->name,
		       c->before_cpuid ? "before KVM_SET_CPUID2" : "after KVM_SET_CPUID2");
	}
}

static void print_dropped_line(const struct kvmcpu_result *r)
{
	size_t shown = 0;
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind != KVMCPU_NOTICE_DROPPED && n->kind != KVMCPU_NOTICE_HV_DROPPED &&
		    n->kind != KVMCPU_NOTICE_WARNING)
			continue;
		if (n->kind == KVMCPU_NOTICE_DROPPED)
			printf("%s%s",
			       shown++ ? " "
				       : "\ndropped (the model has them, the host does not): ",
			       n->subject);
	}
	if (shown)
		printf("\n");
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		char reason[1024];
		if (n->kind == KVMCPU_NOTICE_HV_DROPPED)
			printf("Hyper-V flag dropped: %s: %s\n", n->subject,
			       cli_tame(n->reason, reason, sizeof(reason)));
		else if (n->kind == KVMCPU_NOTICE_WARNING)
			fprintf(stderr, "warning: %s: %s\n", n->subject,
				cli_tame(n->reason, reason, sizeof(reason)));
	}
}

static void print_explain(const struct kvmcpu_result *r)
{
	printf("\nWhy (every bit dropped, forced or changed):\n");
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		char where[64] = "";
		if (n->word >= 0) {
			const struct kvmcpu_word_info *w = kvmcpu_word_at((size_t)n->word);
			if (w->is_msr)
				snprintf(where, sizeof(where), "MSR 0x%x", w->msr);
			else
				snprintf(where, sizeof(where), "0x%x.%u %s", w->leaf, w->subleaf,
					 cli_reg_name(w->reg));
		}
		printf("  %-11s %-28s %-20s %s\n", kvmcpu_notice_kind_name(n->kind), n->subject,
		       where, n->reason);
	}
}

static void json_entries(struct kc_jw *w, const struct table *t)
{
	size_t n = t->n;
	const struct kvmcpu_cpuid_entry *e = t->e;
	kc_jw_key(w, "entries");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		kc_jw_obj_begin(w);
		kc_jw_kv_u64(w, "function", e[i].function);
		kc_jw_kv_u64(w, "index", e[i].index);
		kc_jw_kv_u64(w, "flags", e[i].flags);
		kc_jw_kv_u64(w, "eax", e[i].eax);
		kc_jw_kv_u64(w, "ebx", e[i].ebx);
		kc_jw_kv_u64(w, "ecx", e[i].ecx);
		kc_jw_kv_u64(w, "edx", e[i].edx);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void json_plans(struct kc_jw *w, const struct kvmcpu_result *r)
{
	kc_jw_key(w, "msrs");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_result_msr_count(r); i++) {
		const struct kvmcpu_msr *m = kvmcpu_result_msr_at(r, i);
		kc_jw_obj_begin(w);
		kc_jw_kv_u64(w, "index", m->index);
		kc_jw_kv_str(w, "name", m->name);
		kc_jw_kv_hex64(w, "value", m->value);
		kc_jw_kv_bool(w, "per_vcpu_index", m->per_vcpu_index);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
	kc_jw_key(w, "caps");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_result_cap_count(r); i++) {
		const struct kvmcpu_cap *c = kvmcpu_result_cap_at(r, i);
		kc_jw_obj_begin(w);
		kc_jw_kv_u64(w, "cap", c->cap);
		kc_jw_kv_str(w, "name", c->name);
		kc_jw_key(w, "args");
		kc_jw_arr_begin_line(w);
		for (int a = 0; a < 4; a++)
			kc_jw_hex64(w, c->args0_is_out_u16 && a == 0 ? 0 : c->args[a]);
		kc_jw_arr_end(w);
		kc_jw_kv_bool(w, "before_cpuid", c->before_cpuid);
		/* args[0] is then a pointer the VMM supplies for the kernel's answer. */
		kc_jw_kv_bool(w, "args0_is_out_u16", c->args0_is_out_u16);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void json_notices(struct kc_jw *w, const struct kvmcpu_result *r)
{
	kc_jw_key(w, "dropped");
	kc_jw_arr_begin_line(w);
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++)
		if (kvmcpu_result_notice_at(r, i)->kind == KVMCPU_NOTICE_DROPPED)
			kc_jw_str(w, kvmcpu_result_notice_at(r, i)->subject);
	kc_jw_arr_end(w);
	kc_jw_key(w, "hv_dropped");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		if (n->kind != KVMCPU_NOTICE_HV_DROPPED)
			continue;
		kc_jw_obj_begin(w);
		kc_jw_kv_str(w, "flag", n->subject);
		kc_jw_kv_str(w, "reason", n->reason);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
	kc_jw_key(w, "notices");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_result_notice_count(r); i++) {
		const struct kvmcpu_notice *n = kvmcpu_result_notice_at(r, i);
		kc_jw_obj_begin(w);
		kc_jw_kv_str(w, "kind", kvmcpu_notice_kind_name(n->kind));
		kc_jw_kv_str(w, "subject", n->subject);
		kc_jw_key(w, "word");
		n->word >= 0 ? kc_jw_str(w, kvmcpu_word_at((size_t)n->word)->name) : kc_jw_null(w);
		kc_jw_kv_str(w, "reason", n->reason);
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void json_words(struct kc_jw *w, const struct kvmcpu_result *r)
{
	kc_jw_key(w, "words");
	kc_jw_arr_begin(w);
	for (size_t i = 0; i < kvmcpu_word_count(); i++) {
		const struct kvmcpu_word_info *wi = kvmcpu_word_at(i);
		kc_jw_obj_begin(w);
		kc_jw_kv_str(w, "name", wi->name);
		kc_jw_kv_bool(w, "msr", wi->is_msr);
		if (wi->is_msr) {
			kc_jw_kv_u64(w, "msr_index", wi->msr);
		} else {
			kc_jw_kv_u64(w, "leaf", wi->leaf);
			kc_jw_key(w, "subleaf");
			wi->has_subleaf ? kc_jw_u64(w, wi->subleaf) : kc_jw_null(w);
			kc_jw_kv_str(w, "reg", cli_reg_name(wi->reg));
		}
		kc_jw_kv_hex64(w, "value", kvmcpu_result_word(r, i));
		kc_jw_obj_end(w);
	}
	kc_jw_arr_end(w);
}

static void print_json(const struct kvmcpu_config *cfg, const struct kvmcpu_host *host,
		       const struct kvmcpu_result *r, unsigned vcpu, const struct table *t)
{
	struct kc_jw w;
	kc_jw_init(&w, stdout);
	kc_jw_obj_begin(&w);
	kc_jw_schema(&w, "cpuid", 1);
	kc_jw_kv_str(&w, "cpu", kvmcpu_config_cpu(cfg));
	kc_jw_kv_str(&w, "model",
		     kvmcpu_result_model(r) ? kvmcpu_model_name(kvmcpu_result_model(r)) : NULL);
	kc_jw_kv_str(&w, "hv", kvmcpu_config_hv(cfg));
	kc_jw_kv_bool(&w, "nested", kvmcpu_config_nested(cfg));
	kc_jw_kv_str(&w, "host", kvmcpu_host_origin(host));
	kc_jw_kv_u64(&w, "vcpus", kvmcpu_result_vcpu_count(r));
	kc_jw_kv_u64(&w, "vcpu", vcpu);
	kc_jw_kv_u64(&w, "apic_id", kvmcpu_result_vcpu_apic_id(r, vcpu));
	json_entries(&w, t);
	json_plans(&w, r);
	json_notices(&w, r);
	json_words(&w, r);
	kc_jw_obj_end(&w);
	kc_jw_end(&w);
}

static int parse_vcpu(const char *s, unsigned *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* vCPU @vcpu's table: the result's own for vCPU 0, else a copy in *copy. */
static int vcpu_table(const struct kvmcpu_result *r, unsigned vcpu, struct table *t,
		      struct kvmcpu_cpuid_entry **copy)
{
	t->e = kvmcpu_result_cpuid(r, &t->n);
	if (vcpu == 0)
		return EXIT_OK;
	struct kvmcpu_error err;
	kvmcpu_error_clear(&err);
	*copy = malloc((t->n ? t->n : 1) * sizeof(**copy));
	if (!*copy)
		return cli_usage("cpuid", "out of memory");
	if (kvmcpu_result_cpuid_vcpu(r, vcpu, *copy, t->n, &t->n, &err))
		return cli_report("cpuid", &err, EXIT_USAGE);
	t->e = *copy;
	return EXIT_OK;
}

struct cpuid_opts {
	bool explain, enforce;
	const char *vcpu;
};

static int cpuid_option(void *ctx, int key, const char *arg)
{
	struct cpuid_opts *o = ctx;
	if (key == 'V')
		o->vcpu = arg;
	else if (key == 'e')
		o->explain = true;
	else if (key == 'E')
		o->enforce = true;
	return 0;
}

int cmd_cpuid(int argc, char **argv)
{
	static const struct cli_opt own[] = {
		{ "explain", no_argument, 'e', false },
		{ "enforce", no_argument, 'E', false },
		{ "vcpu", required_argument, 'V', false },
		{ 0 },
	};
	struct cpuid_opts o = { 0 };
	struct cli_args a;
	const struct cli_parser p = {
		.cmd = "cpuid",
		.shared = CLI_OPT_CPU | CLI_OPT_HV | CLI_OPT_NESTED | CLI_OPT_SMP | CLI_OPT_KVM |
			  CLI_OPT_HOST | CLI_OPT_JSON | CLI_OPT_HELP,
		.own = own,
		.on_option = cpuid_option,
		.ctx = &o,
		.usage = usage,
	};
	int rc = cli_parse(&p, argc, argv, &a, NULL);
	if (rc)
		return rc == CLI_HELP_SHOWN ? EXIT_OK : rc;
	const char *cpu = a.cpu, *kvm = a.kvm, *host_path = a.host;
	bool explain = o.explain, json = a.json;
	const char *vcpu_arg = o.vcpu;
	if (!cpu && !kvm)
		return cli_usage("cpuid", "give --cpu SPEC (or --kvm 'cpu=...')");
	unsigned vcpu = 0;
	if (vcpu_arg && parse_vcpu(vcpu_arg, &vcpu))
		return cli_usage("cpuid", "--vcpu takes a vCPU index (0, 1, ...), not '%s'",
				 vcpu_arg);
	struct kvmcpu_config *cfg;
	rc = cli_make_config("cpuid", &a, &cfg);
	if (rc)
		return rc;
	struct kvmcpu_error err;
	struct kvmcpu_host *host;
	rc = cli_open_host("cpuid", host_path, &host);
	if (rc) {
		kvmcpu_config_free(cfg);
		return rc;
	}
	struct kvmcpu_result *r;
	kvmcpu_error_clear(&err);
	struct table t = { NULL, 0 };
	struct kvmcpu_cpuid_entry *copy = NULL;
	if (kvmcpu_resolve(cfg, host, &r, &err)) {
		rc = cli_report("cpuid", &err, cli_exit_for(err.code));
	} else if ((rc = vcpu_table(r, vcpu, &t, &copy))) {
		kvmcpu_result_free(r);
	} else {
		if (o.enforce)
			rc = cli_enforce("cpuid", r);
		if (rc) {
			/* --enforce: nothing a VMM could take for the model is printed. */
		} else if (json) {
			print_json(cfg, host, r, vcpu, &t);
		} else {
			print_table(r, &t);
			print_dropped_line(r);
			if (explain)
				print_explain(r);
		}
		kvmcpu_result_free(r);
	}
	free(copy);
	kvmcpu_host_free(host);
	kvmcpu_config_free(cfg);
	return rc;
}
