// Package query is the one parser of Conductor's search grammar, and its
// translations to SQLite SQL and to the Elasticsearch 8 query DSL, so the
// embedded and the distributed read models answer a query the same way.
//
// A search goes through four steps, each of which may fail with an error
// wrapping visibility.ErrInvalidQuery (the API's 400):
//
//  1. Parse turns the text into an Expr. The grammar is Conductor's:
//     AND and OR are right-recursive with no precedence (a AND b OR c is
//     a AND (b OR c)), keywords are upper case, and parentheses group.
//     Legato adds >=, <=, NOT IN, IS [NOT] NULL and bare words as values
//     (upstream silently drops the rest of a query after one). A syntax
//     error is a *SyntaxError naming the byte offset and what was expected.
//  2. Bind checks the Expr against a Schema (Workflows or Tasks): every
//     field must exist, and every value must fit the field's type. Dates
//     accept epoch ms or ISO 8601 and are bound as epoch ms.
//  3. ParseSort and ParseFreeText read the sort and free-text parameters;
//     Prepare does all of the above plus the paging limits in one call.
//  4. ToSQL and ToES translate a bound Expr. The two are meant to agree
//     on every query the contract suite (visibilitytest) asks; where the
//     engines differ the suite only asks what both answer alike: free
//     text and = on a text field (failedReferenceTaskNames) are
//     case-insensitive substring matches in SQLite, analyzed-token and
//     phrase matches in Elasticsearch.
//
// Semantics both translations keep: != and NOT IN also match summaries
// that lack the field (as Elasticsearch's must_not does); = with a * is a
// case-insensitive wildcard and STARTS_WITH a case-insensitive prefix,
// while a plain = is exact; for a field whose schema says EmptyIsNull
// (parentWorkflowId, which Conductor stores as ""), "" counts as null.
package query
