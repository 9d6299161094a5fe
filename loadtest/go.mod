module github.com/legatohq/legato/loadtest

go 1.26.0

require (
	github.com/legatohq/legato v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/goccy/go-json v0.12.0 // indirect
	github.com/ohler55/ojg v1.28.5 // indirect
)

replace github.com/legatohq/legato => ../
