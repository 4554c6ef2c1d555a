
BxJ0m@<-BæCìEŠEã<€EE=Â<m<0?÷C—>B‰DTD±@(BAbBÜ=ÅD›E