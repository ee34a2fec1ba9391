/** Provider SPI: resolved endpoints, upstream requests, signing and upstream error mapping. */
package dev.switchboard.provider;
