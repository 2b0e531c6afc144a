/*
 * dump: the libconfig oracle for inputs/libconfig (see oracle_test.go).
 *
 * dump FILE reads FILE with config_read_file and prints, one line each,
 * every setting depth-first in file order:
 *
 *   PATH TYPE VALUE @SOURCE_FILE:SOURCE_LINE
 *
 * PATH is dotted names with [i] for list and array elements; TYPE is group,
 * array, list, int, int64, float, bool or string; VALUE is the element count
 * of an aggregate, the IEEE-754 bits of a float in hex, or a string quoted
 * with \" \\ and \xHH for bytes outside printable ASCII. When reading fails
 * it prints only
 *
 *   ERROR LINE TEXT @ERROR_FILE
 *
 * dump --version prints libconfig's version, MAJOR.MINOR.REVISION.
 */
#include <stdio.h>
#include <string.h>
#include <libconfig.h>

static void print_string(const char *s)
{
  putchar('"');
  for(; *s; s++)
  {
    unsigned char c = (unsigned char)*s;
    if(c == '"' || c == '\\')
      printf("\\%c", c);
    else if(c < 0x20 || c >= 0x7f)
      printf("\\x%02x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static const char *type_name(int type)
{
  switch(type)
  {
    case CONFIG_TYPE_GROUP: return "group";
    case CONFIG_TYPE_ARRAY: return "array";
    case CONFIG_TYPE_LIST: return "list";
    case CONFIG_TYPE_INT: return "int";
    case CONFIG_TYPE_INT64: return "int64";
    case CONFIG_TYPE_FLOAT: return "float";
    case CONFIG_TYPE_BOOL: return "bool";
    case CONFIG_TYPE_STRING: return "string";
  }
  return "none";
}

static void dump(const config_setting_t *parent, const char *path)
{
  int i, n = config_setting_length(parent);

  for(i = 0; i < n; i++)
  {
    config_setting_t *s = config_setting_get_elem(parent, (unsigned int)i);
    int type = config_setting_type(s);
    const char *file = config_setting_source_file(s);
    char child[8192];

    if(config_setting_type(parent) == CONFIG_TYPE_GROUP)
      snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "",
               config_setting_name(s));
    else
      snprintf(child, sizeof(child), "%s[%d]", path, i);

    printf("%s %s ", child, type_name(type));
    switch(type)
    {
      case CONFIG_TYPE_INT:
        printf("%d", config_setting_get_int(s));
        break;
      case CONFIG_TYPE_INT64:
        printf("%lld", (long long)config_setting_get_int64(s));
        break;
      case CONFIG_TYPE_FLOAT:
      {
        double f = config_setting_get_float(s);
        unsigned long long bits;
        memcpy(&bits, &f, sizeof(bits));
        printf("%016llx", bits);
        break;
      }
      case CONFIG_TYPE_BOOL:
        fputs(config_setting_get_bool(s) ? "true" : "false", stdout);
        break;
      case CONFIG_TYPE_STRING:
        print_string(config_setting_get_string(s));
        break;
      default:
        printf("%d", config_setting_length(s));
    }
    printf(" @%s:%u\n", file ? file : "?",
           (unsigned int)config_setting_source_line(s));

    if(config_setting_is_aggregate(s))
      dump(s, child);
  }
}

int main(int argc, char **argv)
{
  config_t cfg;

  if(argc != 2)
  {
    fprintf(stderr, "usage: dump FILE | --version\n");
    return 2;
  }
  if(strcmp(argv[1], "--version") == 0)
  {
    printf("%d.%d.%d\n", LIBCONFIG_VER_MAJOR, LIBCONFIG_VER_MINOR,
           LIBCONFIG_VER_REVISION);
    return 0;
  }

  config_init(&cfg);
  if(!config_read_file(&cfg, argv[1]))
  {
    const char *file = config_error_file(&cfg);
    printf("ERROR %d %s @%s\n", config_error_line(&cfg),
           config_error_text(&cfg), file ? file : "?");
  }
  else
    dump(config_root_setting(&cfg), "");

  config_destroy(&cfg);
  return 0;
}
