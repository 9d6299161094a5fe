package visibilitytest

import "github.com/legatohq/legato/pkg/visibility"

func q(query string) visibility.Query { return visibility.Query{Query: query} }

// searchCases is the search contract over corpus().
func searchCases() []searchCase {
	all := []string{"w7", "w6", "w5", "w3", "w4", "w2", "w1"}
	var cases []searchCase
	for _, group := range [][]searchCase{workflowOperatorCases(), workflowCombinatorCases(), freeTextCases(), sortAndPageCases(), taskCases(), errorCases()} {
		cases = append(cases, group...)
	}
	return append(cases,
		searchCase{name: "Everything", q: q(""), want: all},
		searchCase{name: "StaleVersionIgnored", q: q("status = SCHEDULED_STALE"), want: []string{}},
		searchCase{name: "StaleTaskIgnored", tasks: true, q: q("status = SCHEDULED_STALE"), want: []string{}},
		searchCase{name: "StaleFreeTextIgnored", q: visibility.Query{FreeText: "stalemarker"}, want: []string{}},
	)
}

func workflowOperatorCases() []searchCase {
	return []searchCase{
		{name: "EqBare", q: q("status=RUNNING"), want: []string{"w1"}},
		{name: "EqDoubleQuoted", q: q(`status = "COMPLETED"`), want: []string{"w7", "w2"}},
		{name: "EqSingleQuoted", q: q(`status = 'FAILED'`), want: []string{"w3"}},
		{name: "EqQuotedWithSpace", q: q(`reasonForIncompletion = "timed out"`), want: []string{"w4"}},
		{name: "EqIsCaseSensitive", q: q(`correlationId = order-5`), want: []string{}},
		{name: "EqWithColon", q: q(`event = order:created`), want: []string{"w5"}},
		{name: "Ne", q: q("status != RUNNING"), want: []string{"w7", "w6", "w5", "w3", "w4", "w2"}},
		{name: "NeMatchesMissing", q: q("correlationId != order-1"), want: []string{"w7", "w6", "w5", "w3", "w4", "w2"}},
		{name: "Gt", q: q("startTime > 1700000003000"), want: []string{"w7", "w6", "w5"}},
		{name: "Ge", q: q("startTime >= 1700000003000"), want: []string{"w7", "w6", "w5", "w3", "w4"}},
		{name: "Lt", q: q("startTime < 1700000003000"), want: []string{"w2", "w1"}},
		{name: "Le", q: q("version <= 1"), want: []string{"w7", "w6", "w3", "w4", "w1"}},
		{name: "GeOnInt", q: q("version >= 2"), want: []string{"w5", "w2"}},
		{name: "DateISO", q: q("startTime > 2023-11-14T22:13:23.000Z"), want: []string{"w7", "w6", "w5"}},
		{name: "DateISOQuotedWithZone", q: q(`startTime <= "2023-11-15T00:13:22+02:00"`), want: []string{"w2", "w1"}},
		{name: "Between", q: q("startTime BETWEEN 1700000002000 AND 1700000005000"), want: []string{"w5", "w3", "w4", "w2"}},
		{name: "BetweenLong", q: q("durationMs BETWEEN 1000 AND 5000"), want: []string{"w7", "w5", "w3", "w4"}},
		{name: "In", q: q("workflowType IN (order_flow, ship_flow)"), want: []string{"w6", "w5", "w2", "w1"}},
		{name: "InQuoted", q: q(`status IN ("FAILED", 'TIMED_OUT')`), want: []string{"w3", "w4"}},
		{name: "InOnInt", q: q("shard IN (2)"), want: []string{"w6", "w4", "w2"}},
		{name: "NotIn", q: q("workflowType NOT IN (order_flow, ship_flow)"), want: []string{"w7", "w3", "w4"}},
		{name: "NotInMatchesMissing", q: q("correlationId NOT IN (order-1, order-2, Order-5, order-7)"), want: []string{"w6", "w3", "w4"}},
		{name: "IsNull", q: q("correlationId IS NULL"), want: []string{"w4"}},
		{name: "IsNotNull", q: q("endTime IS NOT NULL"), want: []string{"w7", "w5", "w3", "w4", "w2"}},
		{name: "IsNullTime", q: q("endTime IS NULL"), want: []string{"w6", "w1"}},
		{name: "IsNullEmptyParent", q: q("parentWorkflowId IS NULL"), want: []string{"w7", "w6", "w5", "w2", "w1"}},
		{name: "IsNotNullParent", q: q("parentWorkflowId IS NOT NULL"), want: []string{"w3", "w4"}},
		{name: "IsNullLowerCase", q: q("classifier IS null"), want: []string{"w7", "w6", "w3", "w4", "w2", "w1"}},
		{name: "Wildcard", q: q("correlationId = order-*"), want: []string{"w7", "w5", "w2", "w1"}},
		{name: "WildcardEscapesLikeChars", q: q(`correlationId = "order_*"`), want: []string{"w6"}},
		{name: "ExactWithLikeChars", q: q(`correlationId = "order_6%"`), want: []string{"w6"}},
		{name: "NeWildcard", q: q("workflowType != order*"), want: []string{"w6", "w5", "w3", "w4"}},
		{name: "StartsWith", q: q("workflowType STARTS_WITH order_flow"), want: []string{"w7", "w2", "w1"}},
		{name: "StartsWithQuoted", q: q(`workflowType STARTS_WITH "pay"`), want: []string{"w3", "w4"}},
		{name: "TextPhrase", q: q("failedReferenceTaskNames = charge"), want: []string{"w3"}},
		{name: "Keywords", q: q(`createdBy = ops OR classifier = gold OR idempotencyKey = idem-4`), want: []string{"w5", "w4", "w1"}},
		{name: "LegatoFields", q: q(`rootWorkflowId = w1 AND failureReason = "card declined" AND eventVersion = 8`), want: []string{"w3"}},
		{name: "Priority", q: q("priority > 2"), want: []string{"w7", "w3", "w1"}},
		{name: "BoolNe", q: q("archived != true"), want: []string{"w7", "w6", "w5", "w3", "w4", "w2", "w1"}},
	}
}

func workflowCombinatorCases() []searchCase {
	return []searchCase{
		{name: "And", q: q("workflowType = order_flow AND status = COMPLETED"), want: []string{"w2"}},
		{name: "Or", q: q("status = RUNNING OR status = PAUSED"), want: []string{"w6", "w1"}},
		{name: "Parentheses", q: q("(status = FAILED OR status = TIMED_OUT) AND priority > 5"), want: []string{"w3"}},
		// Upstream's grammar has no precedence: this is
		// status = RUNNING AND (workflowType = payment_flow OR priority = 9).
		{name: "RightRecursive", q: q("status = RUNNING AND workflowType = payment_flow OR priority = 9"), want: []string{}},
		{name: "ParenthesesOverride", q: q("(status = RUNNING AND workflowType = order_flow) OR priority = 9"), want: []string{"w3", "w1"}},
		{name: "Nested", q: q("shard = 1 AND (status IN (FAILED, RUNNING) OR (workflowType = ship_flow AND classifier = gold))"), want: []string{"w5", "w3", "w1"}},
		{name: "ParentAndStatus", q: q("parentWorkflowId = w1 AND status = FAILED"), want: []string{"w3"}},
	}
}

func freeTextCases() []searchCase {
	return []searchCase{
		{name: "FreeTextStar", q: visibility.Query{FreeText: "*"}, want: []string{"w7", "w6", "w5", "w3", "w4", "w2", "w1"}},
		{name: "FreeTextInput", q: visibility.Query{FreeText: "abc123"}, want: []string{"w1"}},
		{name: "FreeTextTerms", q: visibility.Query{FreeText: "order_flow alice"}, want: []string{"w1"}},
		{name: "FreeTextPhrase", q: visibility.Query{FreeText: `"card declined"`}, want: []string{"w3"}},
		{name: "FreeTextId", q: visibility.Query{FreeText: "w4"}, want: []string{"w4"}},
		{name: "FreeTextAndQuery", q: visibility.Query{Query: "status = COMPLETED", FreeText: "shipped"}, want: []string{"w7", "w2"}},
		{name: "FreeTextNoMatch", q: visibility.Query{FreeText: "nosuchword"}, want: []string{}},
		{name: "FreeTextTask", tasks: true, q: visibility.Query{FreeText: "declined"}, want: []string{"t3"}},
		{name: "FreeTextTaskShort", tasks: true, q: visibility.Query{FreeText: "42"}, want: []string{"t1"}},
	}
}

func sortAndPageCases() []searchCase {
	return []searchCase{
		{name: "SortAsc", q: visibility.Query{Sort: "startTime:ASC"}, want: []string{"w1", "w2", "w3", "w4", "w5", "w6", "w7"}},
		{name: "SortNoDirectionIsAsc", q: visibility.Query{Sort: "startTime"}, want: []string{"w1", "w2", "w3", "w4", "w5", "w6", "w7"}},
		{name: "SortTwoKeys", q: visibility.Query{Sort: "workflowType:ASC|startTime:DESC"}, want: []string{"w2", "w1", "w7", "w3", "w4", "w6", "w5"}},
		{name: "SortMissingLast", q: visibility.Query{Sort: "endTime:ASC"}, want: []string{"w3", "w5", "w4", "w7", "w2", "w1", "w6"}},
		{name: "SortMissingLastDesc", q: visibility.Query{Sort: "endTime:DESC"}, want: []string{"w2", "w4", "w7", "w5", "w3", "w1", "w6"}},
		{name: "SortPriorityTies", q: visibility.Query{Sort: "priority:DESC"}, want: []string{"w3", "w1", "w7", "w6", "w2", "w4", "w5"}},
		{name: "SortById", q: visibility.Query{Sort: "workflowId:DESC"}, want: []string{"w7", "w6", "w5", "w4", "w3", "w2", "w1"}},
		{name: "SortWithQuery", q: visibility.Query{Query: "shard = 1", Sort: "executionTime:DESC"}, want: []string{"w3", "w5", "w7", "w1"}},
		{name: "PageFirst", q: visibility.Query{Size: 2}, want: []string{"w7", "w6"}, total: 7},
		{name: "PageSecond", q: visibility.Query{Start: 2, Size: 2}, want: []string{"w5", "w3"}, total: 7},
		{name: "PageLast", q: visibility.Query{Start: 6, Size: 5}, want: []string{"w1"}, total: 7},
		{name: "PagePastEnd", q: visibility.Query{Start: 10, Size: 5}, want: []string{}, total: 7},
		{name: "PageWithQuery", q: visibility.Query{Query: "status != RUNNING", Start: 1, Size: 3}, want: []string{"w6", "w5", "w3"}, total: 6},
		{name: "PageWindowEdge", q: visibility.Query{Start: visibility.MaxWindow - visibility.MaxSize, Size: visibility.MaxSize}, want: []string{}, total: 7},
	}
}

func taskCases() []searchCase {
	tq := func(query string) visibility.Query { return visibility.Query{Query: query} }
	return []searchCase{
		{name: "TaskEverything", tasks: true, q: tq(""), want: []string{"t5", "t3", "t4", "t2", "t1"}},
		{name: "TaskByWorkflow", tasks: true, q: tq(`workflowId = "w1"`), want: []string{"t2", "t1"}},
		{name: "TaskById", tasks: true, q: tq("taskId = t3"), want: []string{"t3"}},
		{name: "TaskByCorrelation", tasks: true, q: tq("correlationId = pay-1"), want: []string{"t3"}},
		{name: "TaskDefNameIn", tasks: true, q: tq("taskDefName IN (charge_card, ship_order)"), want: []string{"t5", "t3", "t4", "t1"}},
		{name: "TaskUpdatedAfter", tasks: true, q: tq("updateTime > 1700000002000"), want: []string{"t5", "t3", "t4"}},
		{name: "TaskStatusAndRetries", tasks: true, q: tq("status = FAILED AND retryCount >= 2"), want: []string{"t3"}},
		{name: "TaskNotStarted", tasks: true, q: tq("startTime IS NULL"), want: []string{"t4"}},
		{name: "TaskNotEnded", tasks: true, q: tq("endTime IS NULL"), want: []string{"t4", "t2"}},
		{name: "TaskDomain", tasks: true, q: tq("domain != us"), want: []string{"t3", "t4", "t2", "t1"}},
		{name: "TaskWorkerPrefix", tasks: true, q: tq("workerId STARTS_WITH WORKER"), want: []string{"t2", "t1"}},
		{name: "TaskRefAndWait", tasks: true, q: tq("referenceTaskName = charge AND queueWaitTime > 50"), want: []string{"t3", "t1"}},
		{name: "TaskIteration", tasks: true, q: tq("iteration = 2 OR taskType = HTTP"), want: []string{"t5", "t2"}},
		{name: "TaskWorkflowStart", tasks: true, q: tq("workflowStartTime < 2023-11-14T22:13:22Z"), want: []string{"t2", "t1"}},
		{name: "TaskScheduledBetween", tasks: true, q: tq("scheduledTime BETWEEN 1700000002000 AND 1700000004000 AND executionTime > 0"), want: []string{"t3"}},
		{name: "TaskSortExecution", tasks: true, q: visibility.Query{Sort: "executionTime:DESC"}, want: []string{"t3", "t1", "t2", "t4", "t5"}},
		{name: "TaskSortTwoKeys", tasks: true, q: visibility.Query{Sort: "taskType:ASC|updateTime:ASC"}, want: []string{"t2", "t1", "t4", "t3", "t5"}},
		{name: "TaskPage", tasks: true, q: visibility.Query{Start: 1, Size: 2}, want: []string{"t3", "t4"}, total: 5},
	}
}

func errorCases() []searchCase {
	return []searchCase{
		{name: "ErrSyntaxPosition", q: q("status = RUNNING and x = 1"), err: []string{"at byte 17", "AND, OR"}},
		{name: "ErrUnterminatedQuote", q: q(`status = "RUNNING`), err: []string{"at byte 9"}},
		{name: "ErrMissingValue", q: q("status ="), err: []string{"at byte 8", "value"}},
		{name: "ErrUnknownField", q: q("nosuch = 1"), err: []string{`"nosuch"`, "workflowType", "correlationId"}},
		{name: "ErrTaskUnknownField", tasks: true, q: q("parentWorkflowId = x"), err: []string{`"parentWorkflowId"`, "taskDefName"}},
		{name: "ErrBadDate", q: q("startTime > yesterday"), err: []string{"startTime", "yesterday"}},
		{name: "ErrUnsortable", q: visibility.Query{Sort: "failedReferenceTaskNames:ASC"}, err: []string{"failedReferenceTaskNames", "startTime"}},
		{name: "ErrSortUnknown", tasks: true, q: visibility.Query{Sort: "nosuch"}, err: []string{"nosuch", "updateTime"}},
		{name: "ErrSizeTooLarge", q: visibility.Query{Size: visibility.MaxSize + 1}, err: []string{"5001"}},
		{name: "ErrWindow", q: visibility.Query{Start: 9000, Size: 1001}, err: []string{"10001"}},
		{name: "ErrNegative", q: visibility.Query{Start: -1}, err: []string{"-1"}},
	}
}
