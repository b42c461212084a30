package awsauth

import (
	"fmt"
	"strings"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// Resolution (import aws-auth --resolve) restores what aws-auth drops,
// with IAM as the truth: aws-auth role ARNs are written without the
// role's path, so Convert can only guess an IAM Identity Center role's
// and leaves every other role's out. Resolve asks a Resolver, which the
// command backs with IAM (GetRole, GetUser by name, as eksctl's migrator
// does), for each entry's principal. This package does no I/O: the
// Resolver is the only way out.

// LookupStatus is what IAM said of a principal.
type LookupStatus int

// The statuses of a Lookup.
const (
	// Known: IAM has a role or user of that name; Lookup.ARN is its ARN.
	Known LookupStatus = iota
	// Unknown: IAM has no role or user of that name.
	Unknown
	// Unchecked: IAM could not be asked (another account's principal,
	// or IAM denied the read); Lookup.Why says why.
	Unchecked
)

// Lookup is what IAM says of the principal an entry names.
type Lookup struct {
	Status LookupStatus
	// ARN is, when Known, the principal's ARN as IAM has it, path
	// included.
	ARN access.PrincipalARN
	// Why is, when Unchecked, the reason: "it is in account 444455556666,
	// and the credentials are of account 111122223333".
	Why string
	// Stop is, when Unchecked, that no other principal can be checked
	// either (IAM denied the read): Resolve asks no more, and says so in
	// one warning.
	Stop bool
}

// Resolver looks up, by kind (role or user) and name, the IAM principal
// that p names. An error (IAM unreachable) ends Resolve with it.
type Resolver func(p access.PrincipalARN) (Lookup, error)

// Resolve checks every entry's principal with lookup, in the file's
// order, and settles the entries and the report by what it says:
//
//   - Known: the entry names the ARN IAM has (the path restored; the
//     exact IAM Identity Center role instead of the likely one), and the
//     row's notes say what changed;
//   - Unknown: the row is skipped, since EKS refuses an entry for a
//     principal that does not exist (and one that did would grant
//     nothing): the entry is left out of the file;
//   - Unchecked: the entry stays as Convert made it, and the row says it
//     was not checked and why; with Stop, the remaining entries stay as
//     Convert made them, and Warnings says why once.
//
// Two rows that IAM shows to name one principal (role/x and role/p/x)
// become one entry, the later row's, as EKS's authenticator also uses the
// last row for a principal.
func (r *Result) Resolve(lookup Resolver) error {
	checked := make([]bool, len(r.Entries))
	drop := make([]bool, len(r.Entries))
	for i := range r.Entries {
		e := &r.Entries[i]
		row := &r.Rows[r.entryRow[i]]
		l, err := lookup(e.Principal)
		if err != nil {
			return fmt.Errorf("%s %s: %w", row.Source, row.Principal, err)
		}
		switch l.Status {
		case Known:
			checked[i] = true
			r.known(row, e, l.ARN)
		case Unknown:
			checked[i], drop[i] = true, true
			kind := kindOf(e.Principal)
			row.Outcome = Skipped
			row.What = fmt.Sprintf("IAM does not know this %s: the entry would grant nothing (EKS refuses to create it)", kind)
			row.Notes = []string{fmt.Sprintf("the %s was deleted, or never existed in this account; if it is to exist again, add its entry once it does, else remove the row from aws-auth", kind)}
		case Unchecked:
			if l.Stop {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s: %s and the rows after it are written as without --resolve (paths not restored)", l.Why, row.Source))
				r.settle(checked, drop)
				return nil
			}
			row.Notes = append(row.Notes, "not checked in IAM: "+l.Why)
		}
	}
	r.settle(checked, drop)
	return nil
}

// known points e at the principal IAM has, and notes what changed.
func (r *Result) known(row *Row, e *access.CreateEntry, got access.PrincipalARN) {
	guessed := false
	notes := row.Notes[:0:0]
	for _, n := range row.Notes {
		if strings.HasPrefix(n, ssoNotePrefix) {
			guessed = true
			continue
		}
		notes = append(notes, n)
	}
	row.Notes = notes
	switch {
	case guessed:
		row.Notes = append(row.Notes, "an IAM Identity Center role: IAM has it as "+got.String())
	case got.String() != e.Principal.String():
		row.Notes = append(row.Notes, fmt.Sprintf("%s path restored from IAM: written as %s", kindOf(got), got))
	}
	e.Principal = got
}

// settle removes the dropped entries and, of entries that now name one
// principal, all but the last; and writes the file's note on role paths
// for the roles IAM did not confirm.
func (r *Result) settle(checked, drop []bool) {
	last := map[string]int{}
	for i, e := range r.Entries {
		if !drop[i] {
			last[strings.ToLower(e.Principal.String())] = i
		}
	}
	var entries []access.CreateEntry
	var rows []int
	pathless := 0
	for i, e := range r.Entries {
		if drop[i] {
			continue
		}
		if win := last[strings.ToLower(e.Principal.String())]; win != i {
			row, w := &r.Rows[r.entryRow[i]], &r.Rows[r.entryRow[win]]
			row.Outcome = Skipped
			row.What = fmt.Sprintf("%s, a later row, maps the same %s (%s in IAM), and EKS uses the last row of a principal", w.Source, kindOf(e.Principal), e.Principal)
			row.Notes = []string{"compare the rows: if this one was meant, edit the entry in the file"}
			w.Notes = append(w.Notes, fmt.Sprintf("%s maps the same %s earlier: EKS uses this row, the last", row.Source, kindOf(e.Principal)))
			continue
		}
		entries = append(entries, e)
		rows = append(rows, r.entryRow[i])
		if !checked[i] && e.Principal.IsRole() && e.Principal.Path() == "" {
			pathless++
		}
	}
	r.Entries, r.entryRow = entries, rows
	notes := r.Notes[:0:0]
	for _, n := range r.Notes {
		if n != pathNote {
			notes = append(notes, n)
		}
	}
	if pathless > 0 {
		notes = append(notes, fmt.Sprintf("%d role %s not checked in IAM %s written without a path, as aws-auth gives %s: for a role created with a path, fix principalArn in the file (aws iam get-role --role-name NAME shows the ARN)",
			pathless, plural(pathless, "ARN", "ARNs"), plural(pathless, "is", "are"), plural(pathless, "it", "them")))
	}
	r.Notes = notes
}

func kindOf(p access.PrincipalARN) string {
	if p.IsRole() {
		return "role"
	}
	return "user"
}
