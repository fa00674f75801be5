// Package surveys is the opinion-gathering domain and its store: the org
// tree and member roster, survey definitions and their validation, ballot
// codes, ballots and the rules a ballot must keep, and the submission write
// path that stores them.
package surveys
