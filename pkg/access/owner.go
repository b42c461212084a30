package access

import (
	"fmt"
	"unicode/utf8"
)

// Apply's bookkeeping tags. apply tags every entry it creates
// ManagedTagKey=ManagedTagValue and, when its file names an owner,
// OwnerTagKey=OWNER; apply --prune deletes only entries that carry both
// its managed tag and its file's owner (docs/design/safety-rules.md).
// They say who manages an entry, not what it grants.
const (
	ManagedTagKey   = "managed-by"
	ManagedTagValue = "eksaccess"
	OwnerTagKey     = "eksaccess/owner"
)

// maxOwner bounds an owner name: a tag value may be 256 characters, but an
// owner is a name people type and read in plans.
const maxOwner = 128

// IsApplyTag reports whether tag k=v is apply's own bookkeeping: the
// managed tag with apply's value, or the owner tag with any value. Such a
// tag on an existing entry is not a difference from a request that does
// not name it (create --if-not-exists on an entry apply created).
func IsApplyTag(k, v string) bool {
	return k == OwnerTagKey || k == ManagedTagKey && v == ManagedTagValue
}

// CheckOwner checks an apply file's owner: 1 to 128 characters, letters,
// digits and the characters EKS allows in tags but the space
// (. _ - : / = + @), beginning with a letter or a digit, and, as every tag
// value, not beginning with aws:.
func CheckOwner(s string) error {
	const hint = "name the team or pipeline that owns the file, e.g. owner: team-payments"
	if s == "" {
		return newError("owner is empty", "leave owner out for the default owner (files without one), or "+hint)
	}
	if err := CheckText(s); err != nil {
		// `owner "x" contains ...`, the shape of the messages below: a
		// loader prefixes its field, "owner: ", once.
		return newError("owner "+err.Error(), hint)
	}
	if n := utf8.RuneCountInString(s); n > maxOwner {
		return newError(fmt.Sprintf("owner is %d characters; the limit is %d", n, maxOwner), hint)
	}
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		switch {
		case alnum:
		case i == 0:
			return newError("owner "+Quote(s)+" must begin with a letter or a digit", hint)
		case r == '.' || r == '_' || r == '-' || r == ':' || r == '/' || r == '=' || r == '+' || r == '@':
		default:
			return newError("owner "+Quote(s)+" has "+Quote(string(r))+": use letters, digits and . _ - : / = + @", hint)
		}
	}
	if IsAWSTag(s) {
		return newError("owner "+Quote(s)+" is reserved: tag values beginning with "+Quote(reservedTagPrefix)+" are for AWS use", hint)
	}
	// The rule every tag obeys, as a backstop.
	return Tags{OwnerTagKey: s}.Validate()
}
