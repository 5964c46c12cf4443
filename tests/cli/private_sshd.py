# SPDX-License-Identifier: MIT
"""A private OpenSSH server on 127.0.0.1 for the SSH and Ansible examples of docs/cluster.md.

Everything it uses lives in one directory: its host key, the one client key it accepts, its
sshd_config and the client's ssh_config (nodes named in it all reach this server). No system
file is read or written except /run/sshd, the empty privilege-separation directory sshd
needs (Debian's ssh service creates it the same way when it starts).
"""
import ctypes
import os
import signal
import socket
import subprocess
import time

SSHD = "/usr/sbin/sshd"
SSH = "/usr/bin/ssh"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def why_not():
    """Why this machine cannot run the server, or None when it can."""
    if os.geteuid() != 0:
        return "not root (sshd needs root to log a session in as root)"
    for path in (SSHD, SSH, "/usr/bin/ssh-keygen"):
        if not os.access(path, os.X_OK):
            return "%s missing (scripts/install-deps.sh installs openssh-server and openssh-client)" % path
    return None


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path):
    """A new ed25519 key pair without a passphrase; returns the public half."""
    subprocess.run(["/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "kvmcpu-test",
                    "-f", path], check=True, capture_output=True)
    with open(path + ".pub") as f:
        return f.read().strip()


def die_with_parent():
    """In the child before exec: SIGTERM when the test's process ends, however it ends."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class PrivateSshd:
    """sshd -D on a free port of 127.0.0.1 that logs root in with one key, ended on exit.

    remote_path is the PATH of the sessions it starts: sshd gives a session its compiled-in
    default PATH, so the server's own SetEnv names the directory of the kvmcpu under test.
    (SetEnv overrides the default environment; nothing on the client side or in root's home
    has to change, unlike AcceptEnv or PermitUserEnvironment.) ASAN_OPTIONS and UBSAN_OPTIONS
    go along, so a sanitizer build behaves the same behind ssh.
    """

    def __init__(self, d, nodes, remote_path):
        self.dir, self.nodes, self.remote_path = d, nodes, remote_path
        self.key = os.path.join(d, "id_ed25519")
        self.log = os.path.join(d, "sshd.log")
        self.known_hosts = os.path.join(d, "known_hosts")
        self.client_config = os.path.join(d, "ssh_config")
        self.proc = None
        self.port = None

    def __enter__(self):
        host_key = keygen(os.path.join(self.dir, "host_ed25519"))
        write(os.path.join(self.dir, "authorized_keys"), keygen(self.key) + "\n")
        # Debian's ssh service makes this directory at each start; sshd refuses to run without it.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(5):  # another program may take the free port before sshd binds it
            self.port = free_port()
            self._start()
            if self._wait_listening():
                break
            self._stop()
        else:
            raise RuntimeError("sshd did not start: %s" % self.log_text()[-1000:])
        write(self.known_hosts, "[127.0.0.1]:%d %s\n" % (self.port, host_key))
        write(self.client_config, self._client_config())
        return self

    def __exit__(self, *exc):
        self._stop()
        return False

    def _server_config(self):
        env = " ".join('"%s=%s"' % (k, os.environ[k]) for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS")
                       if k in os.environ)
        return "\n".join([
            "ListenAddress 127.0.0.1",
            "Port %d" % self.port,
            "HostKey %s" % os.path.join(self.dir, "host_ed25519"),
            "PidFile %s" % os.path.join(self.dir, "sshd.pid"),
            "AuthorizedKeysFile %s" % os.path.join(self.dir, "authorized_keys"),
            "AuthenticationMethods publickey",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            # No PAM: the sessions do not go through the system's login rules and records.
            "UsePAM no",
            # The keys are under /tmp, which everyone may write: the ownership check sshd
            # makes of every directory above authorized_keys would refuse them.
            "StrictModes no",
            "PrintMotd no",
            "PrintLastLog no",
            "UseDNS no",
            "Subsystem sftp internal-sftp",
            'SetEnv "PATH=%s" %s' % (self.remote_path, env),
            "",
        ])

    def _client_config(self):
        return "\n".join([
            "Host %s" % " ".join(self.nodes),
            "    HostName 127.0.0.1",
            "    Port %d" % self.port,
            "    IdentityFile %s" % self.key,
            "    IdentitiesOnly yes",
            "    BatchMode yes",
            # The server's key is known in advance: the check stays on.
            "    StrictHostKeyChecking yes",
            "    UserKnownHostsFile %s" % self.known_hosts,
            "    GlobalKnownHostsFile /dev/null",
            "",
        ])

    def _start(self):
        config = write(os.path.join(self.dir, "sshd_config"), self._server_config())
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=log, preexec_fn=die_with_parent)

    def _wait_listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if "Server listening on 127.0.0.1 port %d" % self.port in self.log_text():
                return True
            time.sleep(0.05)
        return False

    def _stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def logins(self):
        """How many sessions the server accepted for root by key."""
        return self.log_text().count("Accepted publickey for root from 127.0.0.1")

    def ssh_shim(self, bin_dir):
        """An `ssh` in bin_dir that is the real client, reading only this server's ssh_config."""
        path = write(os.path.join(bin_dir, "ssh"),
                     '#!/bin/sh\nexec %s -F %s "$@"\n' % (SSH, self.client_config))
        os.chmod(path, 0o755)
