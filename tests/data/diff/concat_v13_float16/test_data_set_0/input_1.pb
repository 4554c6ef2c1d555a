
BbJZ¶g½