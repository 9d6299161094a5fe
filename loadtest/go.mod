module github.com/legatohq/legato/loadtest

go 1.26

require github.com/legatohq/legato v0.0.0

require github.com/ohler55/ojg v1.28.5 // indirect

replace github.com/legatohq/legato => ../
