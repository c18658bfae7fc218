/* Marks one version requirement (e.g. GLIBCXX_3.4.32) in an ELF64 shared object's .gnu.version_r
 * section as weak (VER_FLG_WEAK), so the dynamic loader does not refuse the library when the
 * providing library lacks that version. Usage: weaken_verneed <file.so> <version-name> */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: %s <elf-file> <version-name>\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "r+b");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "read failed\n"); return 1; }
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "%s: not an ELF64 file\n", argv[1]); return 1;
    }
    Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
    int found = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        const char *strtab = (const char *)(buf + sh[sh[i].sh_link].sh_offset);
        unsigned char *p = buf + sh[i].sh_offset;
        for (;;) {
            Elf64_Verneed *vn = (Elf64_Verneed *)p;
            unsigned char *a = p + vn->vn_aux;
            for (int j = 0; j < vn->vn_cnt; j++) {
                Elf64_Vernaux *va = (Elf64_Vernaux *)a;
                if (strcmp(strtab + va->vna_name, argv[2]) == 0) { va->vna_flags |= VER_FLG_WEAK; found = 1; }
                if (va->vna_next == 0) break;
                a += va->vna_next;
            }
            if (vn->vn_next == 0) break;
            p += vn->vn_next;
        }
    }
    if (!found) { fprintf(stderr, "%s: no version requirement named %s\n", argv[1], argv[2]); return 1; }
    fseek(f, 0, SEEK_SET);
    if (fwrite(buf, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "write failed\n"); return 1; }
    fclose(f);
    free(buf);
    return 0;
}
