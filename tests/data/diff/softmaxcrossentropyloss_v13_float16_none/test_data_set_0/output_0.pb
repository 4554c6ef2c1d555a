
ByJ¬AE’<