
BxJP‘„tΎhUΎζ’g?mFΏvt>SuΒΎab±ΎΘ}ΏsªΎφ”wΏ|ψ½ΤQΏ¬aH??RFΏλί\?JΎ²e? Γ$Ώz;uΏ-r½