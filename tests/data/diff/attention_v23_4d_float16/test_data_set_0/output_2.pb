
Bpresent_valueJN9Û5I¿€@•πÍ<"@J4@<-@;πXC