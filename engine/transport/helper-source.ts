// The resident helper kplay runs on each host over SSH (perl, as perl-base is Essential on Debian and
// Ubuntu): one process per (host, become user) that answers file questions with system calls and
// starts one /bin/sh per command, instead of a shell forking stat, cat and a subshell for each.
// Request: "OP LEN1 LEN2 ...\n" then the fields' bytes; reply: "RC OUTLEN ERRLEN\n" then stdout and
// stderr. The replies carry the same bytes the host facade's shell commands print, so both paths
// parse alike. Commands never see the helper's descriptors (stdin from a file or /dev/null, stdout
// and stderr to files, so a background process cannot hold a reply open). Kept free of backticks
// and dollar-brace so it can live in this template literal.

/** The helper's Perl source, sent over the channel after perl starts (nothing is written to disk). */
export const HELPER_SOURCE = String.raw`
use strict;
no warnings;
use Fcntl qw(O_WRONLY O_CREAT O_EXCL F_SETFL O_NONBLOCK);
use Errno qw(EBUSY EINTR EEXIST);
my $OWNER = $$;
open(my $OUT, '>&', \*STDOUT) or exit 1;
binmode $OUT;
binmode STDIN;
open(STDOUT, '>&', \*STDERR);
umask 022;
chdir($ENV{HOME}) if defined $ENV{HOME};
sub rnd { join '', map { ('a' .. 'z', 'A' .. 'Z', 0 .. 9)[int rand 62] } 1 .. 10 }
my $base = (defined $ENV{TMPDIR} && $ENV{TMPDIR} ne '') ? $ENV{TMPDIR} : '/tmp';
my $dir;
for (1 .. 20) { my $d = "$base/.kplay." . rnd(); if (mkdir($d, 0700)) { $dir = $d; last } }
exit 1 unless defined $dir;
END { if (defined $dir && $$ == $OWNER) { unlink "$dir/i", "$dir/o", "$dir/e"; rmdir $dir } }
# the command running now (its process group), killed with the helper on a signal
my $running = 0;
$SIG{$_} = sub { kill 'KILL', -$running if $running; exit 129 } for qw(HUP TERM PIPE INT);
# a child's exit wakes the select() that waits for it (a byte on this pipe)
pipe(my $WAKE_R, my $WAKE_W) or exit 1;
fcntl($WAKE_W, F_SETFL, O_NONBLOCK);
$SIG{CHLD} = sub { syswrite($WAKE_W, 'c') };

my $buf = '';
sub fill { my $r = sysread(STDIN, $buf, 65536, length $buf); return 1 if $r; return 1 if !defined $r && $! == EINTR; exit 0 }
sub take { my $n = shift; fill() while length($buf) < $n; return substr($buf, 0, $n, '') }
sub header { while (1) { my $i = index($buf, "\n"); return substr($buf, 0, $i + 1, '') if $i >= 0; fill() } }
sub reply {
  my ($rc, $o, $e) = @_;
  my $d = "$rc " . length($o) . ' ' . length($e) . "\n" . $o . $e;
  my $off = 0;
  while ($off < length $d) {
    my $w = syswrite($OUT, $d, length($d) - $off, $off);
    if (!defined $w) { next if $! == EINTR; exit 0 }
    $off += $w;
  }
}
sub slurp { my $p = shift; open(my $fh, '<:raw', $p) or return undef; local $/; my $c = <$fh>; close $fh; return defined $c ? $c : '' }
sub spew {
  my ($fh, $c) = @_;
  my $off = 0;
  while ($off < length $c) { my $w = syswrite($fh, $c, length($c) - $off, $off); return 0 unless defined $w; $off += $w }
  return 1;
}
sub child_io { my $in = shift; open(STDIN, '<', $in); open(STDOUT, '>', "$dir/o"); open(STDERR, '>', "$dir/e"); $SIG{$_} = 'DEFAULT' for qw(HUP TERM PIPE INT CHLD) }
sub status { my $s = shift; return ($s & 127) ? 128 + ($s & 127) : $s >> 8 }

# x: CMD TIMEOUT_MS ENV(k=v NUL-separated) HAS_STDIN STDIN
sub op_exec {
  my ($cmd, $ms, $env, $hasin, $in) = @_;
  my $inf = '/dev/null';
  if ($hasin) {
    my $fh;
    (open($fh, '>:raw', "$dir/i") && spew($fh, $in) && close($fh)) or return (1, '', "kplay helper: cannot write $dir/i: $!\n");
    $inf = "$dir/i";
  }
  my $pid = fork;
  return (1, '', "kplay helper: fork: $!\n") unless defined $pid;
  if ($pid == 0) {
    setpgrp(0, 0);
    child_io($inf);
    for my $kv (split /\0/, $env) { my $i = index($kv, '='); $ENV{substr($kv, 0, $i)} = substr($kv, $i + 1) if $i > 0 }
    exec('/bin/sh', '-c', $cmd) or do { print STDERR "kplay helper: cannot run /bin/sh: $!\n"; exit 127 };
  }
  $running = $pid;
  my $timed = 0;
  # whole seconds, as timeout(1) takes them (Time::HiRes is not in perl-base)
  my $deadline = $ms ? time + int(($ms + 999) / 1000) : 0;
  # wait for the command, watching the channel: it only ends (kplay closed it: a second Ctrl-C, or the
  # connection died) while a command runs, and then the command's process group is killed
  while (1) {
    my $w = waitpid($pid, 1);
    last if $w == $pid;
    if ($w == -1) { $? = 255 << 8; last }
    my $rin = '';
    vec($rin, fileno(STDIN), 1) = 1;
    vec($rin, fileno($WAKE_R), 1) = 1;
    my $left = $deadline ? $deadline - time : undef;
    if (defined $left && $left <= 0) { $timed = 1; kill 'KILL', -$pid; waitpid($pid, 0); last }
    # never wait long without looking again: perl runs the CHLD handler (the wake byte) between its own
    # steps, so a child that exits just before select() is entered only wakes it when select() returns
    my $n = select(my $rout = $rin, undef, undef, defined $left && $left < 0.2 ? $left : 0.2);
    next unless $n > 0;
    sysread($WAKE_R, my $junk, 512) if vec($rout, fileno($WAKE_R), 1);
    if (vec($rout, fileno(STDIN), 1)) {
      my $r = sysread(STDIN, $buf, 65536, length $buf);
      if (defined $r && $r == 0) { kill 'KILL', -$pid; waitpid($pid, 0); exit 0 }
    }
  }
  my $rc = $timed ? 124 : status($?);
  $running = 0;
  my $o = slurp("$dir/o");
  my $e = slurp("$dir/e");
  unlink "$dir/i" if $hasin;
  $e = '' unless defined $e;
  $e .= "\ncommand timed out after " . $ms . " ms" if $timed;
  return ($rc, defined $o ? $o : '', $e);
}

sub run_argv {
  my @a = @_;
  my $pid = fork;
  return (1, "kplay helper: fork: $!\n") unless defined $pid;
  if ($pid == 0) { child_io('/dev/null'); exec { $a[0] } @a; exit 127 }
  waitpid($pid, 0);
  my $e = slurp("$dir/e");
  return (status($?), defined $e ? $e : '');
}

sub kind {
  my ($m, $size) = @_;
  my $f = $m & 0170000;
  return $size ? 'regular file' : 'regular empty file' if $f == 0100000;
  return 'directory' if $f == 0040000;
  return 'symbolic link' if $f == 0120000;
  return 'other';
}
# the line "stat -c '%F|%a|%U|%G|%s|%Y|%u|%g|%h'" prints
sub stat_line {
  my ($p, $follow) = @_;
  my @s = $follow ? stat($p) : lstat($p);
  return undef unless @s;
  my $u = getpwuid($s[4]);
  my $g = getgrgid($s[5]);
  return sprintf('%s|%o|%s|%s|%d|%d|%d|%d|%d', kind($s[2], $s[7]), $s[2] & 07777, defined $u ? $u : 'UNKNOWN', defined $g ? $g : 'UNKNOWN', $s[7], $s[9], $s[4], $s[5], $s[3]);
}
sub present { my $p = shift; return -e $p || -l $p }

# s: PATH FOLLOW
sub op_stat {
  my ($p, $follow) = @_;
  return (0, "MISSING\n", '') unless present($p);
  my $l = stat_line($p, $follow);
  return (1, '', "stat: cannot statx '$p': $!\n") unless defined $l;
  return (0, "$l\n" . (-l $p ? readlink($p) . "\n" : ''), '');
}
# i: PATH -> stat line (followed), link line, the bytes of a regular file; a dangling link is missing (os.path.exists)
sub op_inspect {
  my ($p) = @_;
  return (0, "MISSING\n", '') unless -e $p;
  my $l = stat_line($p, 1);
  return (1, '', "stat: cannot statx '$p': $!\n") unless defined $l;
  my $out = "$l\n" . (-l $p ? readlink($p) : '') . "\n";
  if (-f $p) { my $c = slurp($p); return (1, '', "cat: $p: $!\n") unless defined $c; $out .= $c }
  return (0, $out, '');
}
# r: PATH -> the bytes, or rc 3 when it is not a regular file
sub op_read {
  my ($p) = @_;
  return (3, '', '') unless -f $p;
  my $c = slurp($p);
  return defined $c ? (0, $c, '') : (1, '', "cat: $p: $!\n");
}
# w: PATH MODE OWNER GROUP CONTENT -> temp file beside it, attributes, atomic rename (in place on EBUSY)
sub op_write {
  my ($p, $mode, $owner, $group, $content) = @_;
  (my $d = $p) =~ s{/+$}{};
  $d = ($d =~ m{^(.*)/[^/]*$}) ? ($1 eq '' ? '/' : $1) : '.';
  my ($t, $fh);
  for (1 .. 20) {
    my $c = "$d/.kplay." . rnd();
    if (sysopen($fh, $c, O_WRONLY | O_CREAT | O_EXCL, 0600)) { $t = $c; last }
    last unless $! == EEXIST;
  }
  return (1, '', "mktemp: failed to create file via template '$d/.kplay.XXXXXX': $!\n") unless defined $t;
  my $fail = sub { my $m = shift; unlink $t; return (1, '', $m) };
  binmode $fh;
  (spew($fh, $content) && close($fh)) or return $fail->("cannot write $t: $!\n");
  # as Ansible's atomic_move and set_fs_attributes: the old file's mode (a new one's from the umask), then
  # its owner (a chown clears setuid and setgid bits), then the owner and group asked, then the mode asked
  # (a symbolic one changes the mode the file had)
  if (-e $p) { my @s = stat $p; chmod($s[2] & 07777, $t) }
  else { chmod(0666 & ~umask, $t) }
  if (-e $p && $> == 0) { my @s = stat $p; chown($s[4], $s[5], $t) or return $fail->("chown: changing ownership of '$t': $!\n") }
  for my $a (['chown', $owner, 'getpwnam'], ['chgrp', $group, 'getgrnam']) {
    my ($tool, $who, $lookup) = @$a;
    next if $who eq '';
    my $id = $lookup eq 'getpwnam' ? scalar(getpwnam($who)) : scalar(getgrnam($who));
    $id = $who if !defined $id && $who =~ /^\d+$/;
    if (defined $id) {
      my @ids = $tool eq 'chown' ? ($id, -1) : (-1, $id);
      chown(@ids, $t) or return $fail->("$tool: changing ownership of '$t': $!\n");
    } else {
      my ($rc, $e) = run_argv($tool, $who, $t);
      return $fail->($e) if $rc;
    }
  }
  if ($mode ne '') {
    if ($mode =~ /^[0-7]+$/) { chmod(oct($mode), $t) or return $fail->("chmod: changing permissions of '$t': $!\n") }
    else { my ($rc, $e) = run_argv('chmod', $mode, $t); return $fail->($e) if $rc }
  }
  unless (rename($t, $p)) {
    return $fail->("mv: cannot move '$t' to '$p': $!\n") unless $! == EBUSY;
    open(my $w, '>:raw', $p) or return $fail->("cannot write $p: $!\n");
    (spew($w, $content) && close($w)) or return $fail->("cannot write $p: $!\n");
    unlink $t;
    return (0, "KPLAY_IN_PLACE\n", '');
  }
  return (0, '', '');
}

my %ops = (x => \&op_exec, s => \&op_stat, i => \&op_inspect, r => \&op_read, w => \&op_write);
reply(0, 'kplay-helper 1', '');
while (1) {
  my $h = header();
  chomp $h;
  my ($op, @lens) = split / /, $h;
  my @f = map { take($_) } @lens;
  my $fn = $ops{$op};
  reply($fn ? $fn->(@f) : (2, '', "kplay helper: unknown request '$op'\n"));
}
`;

/** The one-line perl program that reads the helper's source from stdin and runs it. */
export function helperBoot(): string {
  const n = Buffer.byteLength(HELPER_SOURCE);
  return `my $n=${n};my $c="";while(length($c)<$n){my $r=sysread(STDIN,$c,$n-length($c),length($c));exit 1 unless $r}eval $c;die $@ if $@;`;
}
