
BvaluesJsD„?Ý<ä,{+®µ9ø5kº