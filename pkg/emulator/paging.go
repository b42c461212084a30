package emulator

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
)

// Paging (reference §6): maxResults is 1-100 and defaults to 100; nextToken
// is opaque. Results come in a stable order (sorted by key) and a token
// names the last key served, so pages stay consistent while the list changes.
// A token is bound to the list it came from: using it elsewhere is an error.

const maxResultsLimit = 100

// paginate returns the page of items (sorted by key) the call asks for, and
// the token for the next page ("" on the last page). scope identifies the
// list: operation, cluster, principal, filter.
func paginate[T any](c *call, scope string, items []T, key func(T) string) ([]T, string, error) {
	q := c.req.URL.Query()
	limit := maxResultsLimit
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return nil, "", invalidParameter("1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: Member must be an integer", v)
		case n < 1:
			return nil, "", invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
		case n > maxResultsLimit:
			return nil, "", invalidParameter("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxResultsLimit)
		}
		limit = n
	}
	lo := 0
	tok := q.Get("nextToken")
	if tok != "" {
		after, ok := decodeToken(scope, tok)
		if !ok {
			return nil, "", invalidParameter("The nextToken parameter is invalid.")
		}
		lo = sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	}
	hi := min(lo+limit, len(items))
	next := ""
	switch {
	case c.repeatToken && tok != "":
		next = tok // Options.RepeatPageToken: the token asked with, again
	case hi < len(items):
		next = encodeToken(scope, key(items[hi-1]))
	case c.repeatToken:
		next = encodeToken(scope, endOfList) // a token even after the last page
	}
	return items[lo:hi], next, nil
}

// endOfList sorts after every key (no UTF-8 string has the byte 0xff): a
// token past the end of any list.
const endOfList = "\xff"

func encodeToken(scope, after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(scope + "\n" + after))
}

func decodeToken(scope, token string) (after string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	return strings.CutPrefix(string(b), scope+"\n")
}
