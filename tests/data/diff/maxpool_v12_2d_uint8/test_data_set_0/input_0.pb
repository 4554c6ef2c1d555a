BxJT:^@_N
8	
0$R%5+WW%cC3.9_0P7PS6\XG*"21*(UN.c[<8ALXLbV,HU+$#2@#BTP-D