# SPDX-License-Identifier: MIT
# bash completion for kvmcpu: subcommands, options, model names, feature names,
# Hyper-V presets and flags, with the +NAME / +no_NAME modifiers of a spec.
# Names come from the kvmcpu being completed (kvmcpu complete ..., kvmcpu CMD --help),
# so they always match the installed version.

_kvmcpu_run()
{
	command "${_kvmcpu_bin:-kvmcpu}" "$@" 2>/dev/null
}

# The subcommands kvmcpu --help lists.
_kvmcpu_commands()
{
	_kvmcpu_run --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The long options a subcommand's --help mentions.
_kvmcpu_options()
{
	_kvmcpu_run "$1" --help | grep -o -- '--[a-z][a-z-]*' | sort -u
}

# A spec: the first token (a model, or a Hyper-V preset or flag), then +NAME or +no_NAME.
_kvmcpu_spec()
{
	local kind=$1 cur=$2 head="" tok=$2 n
	local -a names all
	if [[ $cur == *+* ]]; then
		head=${cur%+*}+
		tok=${cur##*+}
	fi
	if [[ $kind == cpu && -z $head ]]; then
		mapfile -t names < <(_kvmcpu_run complete models)
	elif [[ $kind == cpu ]]; then
		mapfile -t names < <(_kvmcpu_run complete features)
	else
		mapfile -t names < <(_kvmcpu_run complete hv)
	fi
	all=("${names[@]}")
	if [[ -n $head || $kind == hv ]]; then
		for n in "${names[@]}"; do
			all+=("no_$n")
		done
	fi
	# A Hyper-V spec may start with a preset.
	[[ $kind == hv && -z $head ]] && mapfile -t -O "${#all[@]}" all < <(_kvmcpu_run complete hv-presets)
	COMPREPLY=()
	for n in "${all[@]}"; do
		[[ $n == "$tok"* ]] && COMPREPLY+=("$head$n")
	done
}

_kvmcpu()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local _kvmcpu_bin=${COMP_WORDS[0]} cmd="" i
	COMPREPLY=()
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} != -* ]]; then
			cmd=${COMP_WORDS[i]}
			break
		fi
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$(_kvmcpu_commands) help --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--host | --dev)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return
		;;
	--cpu)
		_kvmcpu_spec cpu "$cur"
		return
		;;
	--hv)
		_kvmcpu_spec hv "$cur"
		return
		;;
	--smp | --kvm | --msr | --timeout)
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_kvmcpu_options "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	model)
		COMPREPLY=($(compgen -W "$(_kvmcpu_run complete models | grep -v -x -e host -e max)" -- "$cur"))
		;;
	help)
		COMPREPLY=($(compgen -W "$(_kvmcpu_commands)" -- "$cur"))
		;;
	esac
}

complete -F _kvmcpu kvmcpu
