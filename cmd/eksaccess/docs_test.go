package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/eksaccess/eksaccess/pkg/cli"
	"github.com/eksaccess/eksaccess/pkg/emulator"
)

// The guides in docs/guides that hold the line guideMarker are run by
// TestGuides, so that their commands cannot rot. The conventions, for the
// writer of a guide:
//
//   - In a fenced ```sh block, every line that starts with `eksaccess` (or
//     `$ eksaccess`) is run by bash, in the guide's own work directory,
//     against the guide's own emulator (clusters demo and legacy, as in
//     testdata/script), in order, sharing state with the blocks before it.
//     A line ending in `\` continues on the next. Other lines (exports, aws,
//     curl) are for the reader and are not run.
//   - The command must exit 0, or N when its trailing comment says `exit N`:
//     `eksaccess diff -f access.yaml   # exit 7: drift`.
//   - A trailing comment `calls: eks:X eks:Y` (after `exit N;` if both) says
//     which IAM actions the command needs: exactly those must reach the
//     emulator (TestIAMPolicy checks the JSON policy against them).
//   - A ```text block right after a sh block of one command (blank lines
//     between at most) is that command's exact stderr.
//   - A line `<!-- test: LINE -->` outside a block is a testscript line run
//     at that point, unseen by the reader: `emu cluster prod API`,
//     `env ROLE=arn:...`, `emu faults 0s 1 0`, `doc appears ARN 1s`.
//   - `<!-- file: NAME -->` before a fenced block makes the block the file
//     NAME in the work directory (an access.yaml the commands read).
//   - A block whose command is not (yet) an eksaccess command, such as
//     `diff` before it exists, is skipped whole, with its text block; the
//     test logs it.
const guideMarker = "<!-- doctest -->"

// TestGuides runs the commands of every guide that opts in.
func TestGuides(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash to run the guides' commands")
	}
	guides, err := filepath.Glob(filepath.Join("..", "..", "docs", "guides", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var n int
	for _, g := range guides {
		md, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(md), guideMarker) {
			continue
		}
		gs, err := guideScript(string(md), commandRegistered)
		if err != nil {
			t.Fatalf("%s: %v", g, err)
		}
		for _, s := range gs.skipped {
			t.Logf("%s: skipped %s", filepath.Base(g), s)
		}
		if gs.commands == 0 {
			t.Errorf("%s has %s but no command to run", g, guideMarker)
		}
		name := strings.TrimSuffix(filepath.Base(g), ".md") + ".txtar"
		if err := os.WriteFile(filepath.Join(dir, name), txtar.Format(gs.archive), 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no guide holds " + guideMarker)
	}
	testscript.Run(t, testscript.Params{
		Dir:   dir,
		Setup: scriptSetup(t),
		Cmds:  map[string]func(*testscript.TestScript, bool, []string){"emu": cmdEmu, "exit": cmdExit, "doc": cmdDoc},
	})
}

// commandRegistered reports whether name is an eksaccess command (or alias).
func commandRegistered(name string) bool {
	if name == "help" {
		return true
	}
	for _, c := range cli.Command(cli.BuildInfo{}).Commands() {
		if c.Name() == name || slices.Contains(c.Aliases, name) {
			return true
		}
	}
	return false
}

// guide is a guide turned into a testscript.
type guide struct {
	archive  *txtar.Archive
	commands int               // commands that will run
	skipped  []string          // blocks not run, and why
	calls    map[string]string // IAM action -> the first command declaring it (run or skipped)
}

var (
	testComment = regexp.MustCompile(`^<!--\s*test:\s*(.*?)\s*-->$`)
	fileComment = regexp.MustCompile(`^<!--\s*file:\s*(\S+)\s*-->$`)
	exitComment = regexp.MustCompile(`\bexit (\d+)\b`)
	callComment = regexp.MustCompile(`\bcalls:\s*(.*)$`)
)

// guideScript turns a guide into a testscript archive (see guideMarker).
func guideScript(md string, registered func(string) bool) (*guide, error) {
	g := &guide{archive: &txtar.Archive{}, calls: map[string]string{}}
	var script strings.Builder
	lines := strings.Split(md, "\n")
	pendingFile := ""
	// lastOne is the number of the one-command sh block that a ```text
	// block may follow, 0 if none; lastSkipped says it was skipped.
	lastOne, lastSkipped, blocks := 0, false, 0
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t\r")
		if m := testComment.FindStringSubmatch(line); m != nil {
			script.WriteString(m[1] + "\n")
			lastOne = 0
			continue
		}
		if m := fileComment.FindStringSubmatch(line); m != nil {
			pendingFile = m[1]
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(line), "```") {
			if line != "" {
				lastOne = 0
			}
			continue
		}
		fence := strings.TrimSpace(line)
		lang, _, _ := strings.Cut(strings.TrimPrefix(fence, "```"), " ")
		start := i + 1
		end := start
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("line %d: the block never closes", i+1)
		}
		body := lines[start:end]
		i = end
		blocks++
		followsOne := lastOne
		lastOne = 0
		switch {
		case pendingFile != "":
			g.archive.Files = append(g.archive.Files, txtar.File{Name: pendingFile, Data: []byte(strings.Join(body, "\n") + "\n")})
			pendingFile = ""
		case lang == "text" && followsOne != 0:
			if lastSkipped {
				continue
			}
			name := fmt.Sprintf("stderr-%d.txt", followsOne)
			g.archive.Files = append(g.archive.Files, txtar.File{Name: name, Data: []byte(strings.Join(body, "\n") + "\n")})
			script.WriteString("cmp stderr " + name + "\n")
		case lang == "sh" || lang == "bash" || lang == "console" || lang == "shell":
			cmds, err := blockCommands(body, start+1)
			if err != nil {
				return nil, err
			}
			skip := ""
			for _, c := range cmds {
				for _, a := range c.calls {
					if _, ok := g.calls[a]; !ok {
						g.calls[a] = c.line
					}
				}
				if sub := c.subcommand(); !registered(sub) && skip == "" {
					skip = fmt.Sprintf("the block at line %d: `eksaccess %s` is not a command yet", start, sub)
				}
			}
			if skip != "" {
				g.skipped = append(g.skipped, skip)
			} else {
				for _, c := range cmds {
					script.WriteString(c.script())
					g.commands++
				}
			}
			if len(cmds) == 1 {
				lastOne, lastSkipped = blocks, skip != ""
			}
		}
	}
	g.archive.Comment = []byte("# generated from a guide by docs_test.go\n" + script.String())
	return g, nil
}

// guideCommand is one eksaccess command line of a guide.
type guideCommand struct {
	line  string // the command as bash runs it, continuations joined
	at    int    // its line number in the guide
	exit  int
	calls []string // IAM actions it must send, nil if not declared
	args  []string // its words, roughly (for the subcommand)
}

func (c guideCommand) subcommand() string {
	for _, a := range c.args[1:] {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

func (c guideCommand) script() string {
	var b strings.Builder
	if c.calls != nil {
		b.WriteString("emu reset\n")
	}
	// testscript quotes like the shell's single quotes, with '' for a quote.
	fmt.Fprintf(&b, "# guide line %d\nexit %d bash -o pipefail -c '%s'\n", c.at, c.exit, strings.ReplaceAll(c.line, "'", "''"))
	if c.calls != nil {
		b.WriteString("doc calls " + strings.Join(c.calls, " ") + "\n")
	}
	return b.String()
}

// blockCommands returns the eksaccess commands of a sh block whose first
// line is line number first of the guide.
func blockCommands(body []string, first int) ([]guideCommand, error) {
	var out []guideCommand
	for i := 0; i < len(body); i++ {
		at := first + i
		line := strings.TrimSpace(body[i])
		for strings.HasSuffix(line, `\`) && i+1 < len(body) {
			i++
			line = strings.TrimSuffix(line, `\`) + " " + strings.TrimSpace(body[i])
		}
		line = strings.TrimPrefix(line, "$ ")
		if line != "eksaccess" && !strings.HasPrefix(line, "eksaccess ") {
			continue
		}
		c := guideCommand{line: line, at: at}
		code, comment := splitComment(line)
		c.args = strings.Fields(code)
		if m := exitComment.FindStringSubmatch(comment); m != nil {
			c.exit, _ = strconv.Atoi(m[1])
		}
		if m := callComment.FindStringSubmatch(comment); m != nil {
			c.calls = strings.Fields(m[1])
			if len(c.calls) == 0 {
				return nil, fmt.Errorf("line %d: `calls:` names no action", at)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// splitComment splits a shell line at its comment: a # that starts a word
// outside quotes.
func splitComment(line string) (code, comment string) {
	var quote rune
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return strings.TrimSpace(line[:i]), line[i+1:]
		}
	}
	return line, ""
}

// iamAction is the IAM action that authorizes an emulator operation.
func iamAction(op string) string {
	switch op {
	case "GetCallerIdentity":
		return "sts:GetCallerIdentity"
	case "GetRole", "GetUser", "ListRoles", "CreateRole", "DeleteRole", "CreateUser", "DeleteUser":
		return "iam:" + op
	}
	return "eks:" + op
}

// cmdDoc holds the guides' own checks and setups:
//
//	doc calls ACTION...     the requests since `emu reset` need exactly these IAM actions
//	doc appears ARN DELAY   IAM does not know ARN yet; it appears DELAY after the first
//	                        create that names it (propagation)
func cmdDoc(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: doc calls|appears ...")
	}
	srv := ts.Value(emuKey).(*emulator.Server)
	switch args[0] {
	case "calls":
		got := map[string]bool{}
		for _, r := range srv.Requests() {
			got[iamAction(r.Op)] = true
		}
		var missing, extra []string
		for _, a := range args[1:] {
			if !got[a] {
				missing = append(missing, a)
			}
			delete(got, a)
		}
		for a := range got {
			extra = append(extra, a)
		}
		slices.Sort(extra)
		if len(missing) > 0 || len(extra) > 0 {
			ts.Fatalf("the command's IAM actions differ from the guide's: not called %v, called but not listed %v", missing, extra)
		}
	case "appears":
		if len(args) != 3 {
			ts.Fatalf("usage: doc appears ARN DELAY")
		}
		d, err := time.ParseDuration(args[2])
		ts.Check(err)
		srv.SetPrincipalAppearsAfter(args[1], d)
	default:
		ts.Fatalf("unknown doc command %q", args[0])
	}
}

// TestGuideScript pins the conventions TestGuides reads guides with.
func TestGuideScript(t *testing.T) {
	t.Parallel()
	md := "# A guide\n" +
		"<!-- test: emu cluster prod API -->\n" +
		"```sh\n" +
		"export AWS_REGION=eu-west-1\n" +
		"$ eksaccess list --cluster prod   # calls: eks:ListAccessEntries\n" +
		"eksaccess create --cluster prod \\\n" +
		"    --principal arn:aws:iam::111122223333:role/x --username \"it's #1\"   # exit 2\n" +
		"```\n" +
		"\n" +
		"```text\n" +
		"not after a one-command block: ignored\n" +
		"```\n" +
		"```sh\n" +
		"eksaccess policy list -o text | wc -l\n" +
		"```\n" +
		"\n" +
		"```text\n" +
		"the stderr of policy list\n" +
		"```\n" +
		"Prose breaks the link:\n" +
		"```text\n" +
		"ignored too\n" +
		"```\n" +
		"<!-- file: access.yaml -->\n" +
		"```yaml\n" +
		"kind: AccessConfig\n" +
		"```\n" +
		"```sh\n" +
		"eksaccess diff -f access.yaml   # exit 7; calls: eks:ListAccessEntries eks:DescribeAccessEntry\n" +
		"```\n" +
		"```text\n" +
		"the plan, skipped with its block\n" +
		"```\n"
	registered := func(sub string) bool { return sub != "diff" }
	g, err := guideScript(md, registered)
	if err != nil {
		t.Fatal(err)
	}
	wantScript := "# generated from a guide by docs_test.go\n" +
		"emu cluster prod API\n" +
		"emu reset\n" +
		"# guide line 5\n" +
		"exit 0 bash -o pipefail -c 'eksaccess list --cluster prod   # calls: eks:ListAccessEntries'\n" +
		"doc calls eks:ListAccessEntries\n" +
		"# guide line 6\n" +
		"exit 2 bash -o pipefail -c 'eksaccess create --cluster prod  --principal arn:aws:iam::111122223333:role/x --username \"it''s #1\"   # exit 2'\n" +
		"# guide line 14\n" +
		"exit 0 bash -o pipefail -c 'eksaccess policy list -o text | wc -l'\n" +
		"cmp stderr stderr-3.txt\n"
	if got := string(g.archive.Comment); got != wantScript {
		t.Errorf("script:\n%s\nwant:\n%s", got, wantScript)
	}
	var names []string
	for _, f := range g.archive.Files {
		names = append(names, f.Name+"="+string(f.Data))
	}
	if want := []string{"stderr-3.txt=the stderr of policy list\n", "access.yaml=kind: AccessConfig\n"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
	if g.commands != 3 || len(g.skipped) != 1 || !strings.Contains(g.skipped[0], "`eksaccess diff` is not a command yet") {
		t.Errorf("%d commands, skipped %q", g.commands, g.skipped)
	}
	if len(g.calls) != 2 || g.calls["eks:DescribeAccessEntry"] == "" {
		t.Errorf("calls %v, want those of list and of the skipped diff", g.calls)
	}

	if _, err := guideScript("```sh\neksaccess list\n", registered); err == nil || !strings.Contains(err.Error(), "never closes") {
		t.Errorf("an open block: %v", err)
	}
	if _, err := guideScript("```sh\neksaccess list # calls:\n```\n", registered); err == nil || !strings.Contains(err.Error(), "names no action") {
		t.Errorf("empty calls: %v", err)
	}
}
