
ByJ‰ACTΩN1GU<"NúK¶LÒDºI∏SWL