# Root of the non-recursive build: everything is declared in Hakefiles and built by hake/.
include hake/hake.mk
