// Folders and files of an image: listing a folder, what a path is, opening with a mode.

#include "CLinux.h"

#include <stdio.h>

const char *clinux_next_name(DIR *dir) {
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
        return name;
    }
    return NULL;
}

int clinux_path_kind(const char *path) {
    struct stat info;
    if (stat(path, &info) != 0) return -1;
    if (S_ISDIR(info.st_mode)) return CLINUX_PATH_FOLDER;
    if (!S_ISREG(info.st_mode)) return CLINUX_PATH_OTHER;
    return access(path, X_OK) == 0 ? CLINUX_PATH_EXECUTABLE : CLINUX_PATH_FILE;
}

int clinux_open_mode(const char *path, int flags, unsigned mode) { return open(path, flags | O_CLOEXEC, (mode_t)mode); }

int clinux_rename(const char *from, const char *to) { return rename(from, to); }

int clinux_openat_mode(int dirfd, const char *name, int flags, unsigned mode) {
    return openat(dirfd, name, flags | O_CLOEXEC, (mode_t)mode);
}

int clinux_renameat(int dirfd, const char *from, const char *to) { return renameat(dirfd, from, dirfd, to); }
